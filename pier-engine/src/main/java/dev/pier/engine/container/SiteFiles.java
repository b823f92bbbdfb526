package dev.pier.engine.container;

import dev.pier.engine.content.ContentModes;
import dev.pier.engine.content.ContentPath;
import dev.pier.engine.content.WebRoot;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The files Pier itself writes into and reads from a site's file system: its content directories with the starter
 * page of a new site, and the exit status the container's {@link ExitRecorder} leaves. The site controls its layer, so no link in it is followed.
 */
final class SiteFiles {

  private SiteFiles() {}

  /**
   * Makes the site's content directories ({@link WebRoot}) on its mounted file system {@code disk}, unless they are
   * there: a new site's first release is its starter page (which names the site); a site from before releases
   * existed gets its web root ({@code upper/var/www/html} of its layer) as its first release, {@code existing}, and
   * its data directory moved beside it. Built under {@code www.new} and renamed into place, so a crash midway
   * resumes where it stopped and loses nothing.
   */
  static void ensureWebRoot(Path disk, SiteSpec site) {
    WebRoot root = new WebRoot(disk);
    String name = site.name().value();
    try {
      Files.createDirectories(disk.resolve("upper"));
      Files.createDirectories(disk.resolve("work"));
      if (!Files.isDirectory(root.www(), LinkOption.NOFOLLOW_LINKS)) {
        buildWebRoot(disk, root, site);
      }
      Path data = root.data();
      Path beforeRestore = data.resolveSibling("data.before-restore");
      if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(beforeRestore, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(beforeRestore, data, StandardCopyOption.ATOMIC_MOVE); // a restore cut short between its two renames
      }
      if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(data);
        if (site.image().php()) {
          // What the site's programs keep (the counter's SQLite database): written by Apache's user only.
          Files.setAttribute(data, "unix:uid", StaticImage.WWW_DATA, LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(data, "unix:gid", StaticImage.WWW_DATA, LinkOption.NOFOLLOW_LINKS);
          Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));
        } else {
          Files.setPosixFilePermissions(data, ContentModes.FOLDER);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the directories of site \"" + name + "\"", e);
    }
  }

  private static void buildWebRoot(Path disk, WebRoot root, SiteSpec site) throws IOException {
    Path fresh = disk.resolve("www.new");
    Path releases = fresh.resolve("releases");
    Files.createDirectories(releases);
    Files.createDirectories(fresh.resolve("data"));
    for (Path d : new Path[] {fresh, releases, fresh.resolve("data")}) {
      Files.setPosixFilePermissions(d, ContentModes.FOLDER);
    }
    // The old web root and data lie in the layer the old container wrote: every name on the way is checked to be a
    // real folder, so no link it planted leads the move elsewhere.
    Path upper = disk.resolve("upper");
    Path oldHtml = realFolder(upper, "var", "www", "html");
    Path oldData = realFolder(upper, "var", "www", "data");
    if (oldHtml != null && !Files.exists(releases.resolve("existing"), LinkOption.NOFOLLOW_LINKS)) {
      Files.move(oldHtml, releases.resolve("existing"), StandardCopyOption.ATOMIC_MOVE);
      asPublished(releases.resolve("existing"));
    }
    if (oldData != null && !Files.exists(disk.resolve("data"), LinkOption.NOFOLLOW_LINKS)) {
      Files.move(oldData, disk.resolve("data"), StandardCopyOption.ATOMIC_MOVE);
    }
    String first = Files.isDirectory(releases.resolve("existing"), LinkOption.NOFOLLOW_LINKS) ? "existing" : "starter";
    if (first.equals("starter")) {
      Path starter = releases.resolve("starter");
      Files.createDirectories(starter);
      Files.setPosixFilePermissions(starter, ContentModes.FOLDER);
      boolean php = site.image().php();
      String name = site.name().value();
      Path index = starter.resolve(php ? "index.php" : "index.html");
      MoreFiles.writeAtomically(index, php ? DefaultPage.renderPhp(name, site.hostname()) : DefaultPage.render(name, site.hostname()));
      Files.setPosixFilePermissions(index, ContentModes.FILE);
    }
    Path link = fresh.resolve("html");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of("releases", first));
    Files.move(fresh, root.www(), StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code dir/names...} when each name on the way is a folder and no link; else null. */
  private static Path realFolder(Path dir, String... names) {
    Path p = dir;
    for (String n : names) {
      p = p.resolve(n);
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
    }
    return p;
  }

  /**
   * Gives an old web root what a publish gives: folders 0755, files 0644 (0755 if their owner could run them), no
   * setuid, setgid or sticky bit, nothing group- or world-writable; what is neither file, folder nor link
   * (overlayfs's whiteouts, devices, FIFOs) goes, and so do web server settings files a publish refuses. Links
   * stay, and are never followed: Pier does not follow them.
   */
  private static void asPublished(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        Files.setPosixFilePermissions(d, ContentModes.FOLDER);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        if (a.isOther() || ContentPath.RESERVED.contains(file.getFileName().toString())) {
          Files.delete(file);
        } else if (a.isRegularFile()) {
          boolean exec = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
          Files.setPosixFilePermissions(file, ContentModes.file(exec));
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /**
   * Writes files for the container beside the layer, never through it (a symbolic link there must not lead
   * Pier's writes onto the host): they are bind-mounted read-only over the container's own, 0644.
   */
  static void writeAll(Path dir, Map<String, String> files) {
    files.forEach((path, content) -> {
      MoreFiles.writeAtomically(dir.resolve(path), content);
      try { // whatever the umask: the site's root, a stranger to them, reads them
        Files.setPosixFilePermissions(dir.resolve(path), ContentModes.FILE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make " + dir.resolve(path) + " readable", e);
      }
    });
  }

  /** Removes the last run's status; whatever the site put there instead (a directory, a link) goes too, links unfollowed. */
  static void clearExitStatus(Path layer) {
    MoreFiles.deleteRecursively(layer.resolve(ExitRecorder.STATUS_FILE));
  }

  /** The status the container recorded, read without following links and never more than a status' worth. */
  static OptionalInt readExitStatus(Path layer) {
    Path f = layer.resolve(ExitRecorder.STATUS_FILE);
    try {
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        return OptionalInt.empty();
      }
      try (SeekableByteChannel ch = Files.newByteChannel(f, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        ByteBuffer buf = ByteBuffer.allocate(16);
        ch.read(buf);
        return ExitRecorder.parse(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
      }
    } catch (IOException | UncheckedIOException e) {
      return OptionalInt.empty();
    }
  }
}
