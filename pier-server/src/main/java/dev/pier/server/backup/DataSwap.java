package dev.pier.server.backup;

import dev.pier.engine.content.WebRoot;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Puts a backup's data in place of a stopped site's, whole: copied beside it on the site's disk
 * ({@code data.restoring}), then two renames ({@code data} to {@code data.before-restore}, the copy to {@code data}),
 * then the old data deleted. A crash between the renames leaves no {@code data}: the site's next start
 * ({@code SiteFiles.ensureWebRoot}) and the next swap put {@code data.before-restore} back first. The swap counts as
 * made once {@code committed} ran, after the second rename: before that, {@link #undo} puts the old data back.
 */
final class DataSwap {

  private DataSwap() {}

  static void swap(WebRoot root, Path restored, boolean foreign, Runnable renaming, Runnable committed) {
    Path data = root.data();
    Path incoming = data.resolveSibling("data.restoring");
    Path old = data.resolveSibling("data.before-restore");
    try {
      if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(old, data, StandardCopyOption.ATOMIC_MOVE); // an earlier swap cut short between its renames
      }
      MoreFiles.deleteRecursively(incoming);
      MoreFiles.deleteRecursively(old);
      try {
        MoreFiles.copyTree(restored, incoming);
        if (foreign) {
          ownAs(data, incoming);
        }
      } catch (RuntimeException | IOException e) {
        MoreFiles.deleteRecursively(incoming); // (a site's disk too small for both: the data stays as it was)
        throw e;
      }
      renaming.run();
      Files.move(data, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(incoming, data, StandardCopyOption.ATOMIC_MOVE);
      committed.run();
      MoreFiles.deleteRecursively(old);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot put the backup's data in place of " + data, e);
    }
  }

  /**
   * Undoes a swap that was not committed (a crash, or a failure, before its {@code committed} ran): the old data is
   * put back whole, and what came of the backup goes. {@code renaming}: whether its renames may have begun ({@code
   * renaming} ran); before that, only the copy beside the data goes, and a {@code data.before-restore} there is an
   * older one's, never put in place of the data.
   */
  static void undo(WebRoot root, boolean renaming) {
    Path data = root.data();
    Path old = data.resolveSibling("data.before-restore");
    try {
      if (renaming && Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(data, LinkOption.NOFOLLOW_LINKS)) { // both renames made: data is the backup's
          Path gone = data.resolveSibling("data.undone");
          MoreFiles.deleteRecursively(gone);
          Files.move(data, gone, StandardCopyOption.ATOMIC_MOVE);
          MoreFiles.deleteRecursively(gone);
        }
        Files.move(old, data, StandardCopyOption.ATOMIC_MOVE);
      }
      MoreFiles.deleteRecursively(data.resolveSibling("data.restoring"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot put the data before the restore back in " + data, e);
    }
  }

  /** After a committed swap cut short before its end: the old data goes. */
  static void finish(WebRoot root) {
    MoreFiles.deleteRecursively(root.data().resolveSibling("data.before-restore"));
  }

  /** Everything in {@code incoming} owned as {@code data} is, whatever ids an archive carried; the folder its mode. */
  private static void ownAs(Path data, Path incoming) throws IOException {
    Object uid = Files.getAttribute(data, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Object gid = Files.getAttribute(data, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(data, LinkOption.NOFOLLOW_LINKS);
    try (var all = Files.walk(incoming)) {
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      }
    }
    Files.setPosixFilePermissions(incoming, mode);
  }
}
