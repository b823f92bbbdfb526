package dev.pier.engine.container;

import dev.pier.engine.image.StaticImage;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The files Pier itself writes into and reads from a site's layer: the starter page of a new site, and the exit
 * status the container's {@link ExitRecorder} leaves. The site controls its layer, so no link in it is followed.
 */
final class SiteFiles {

  private SiteFiles() {}

  /** Creates the layer's directories and, unless the site has one, its starter page (which names the site). */
  static void writeStarterPage(Path layer, Path work, SiteSpec site) {
    String name = site.name().value();
    Path html = layer.resolve("var/www/html");
    try {
      Files.createDirectories(html);
      Files.createDirectories(work);
      boolean php = site.image().php();
      Path index = html.resolve(php ? "index.php" : "index.html");
      if (!Files.exists(index, LinkOption.NOFOLLOW_LINKS)) {
        MoreFiles.writeAtomically(index, php ? DefaultPage.renderPhp(name, site.hostname()) : DefaultPage.render(name, site.hostname()));
        Files.setPosixFilePermissions(index, PosixFilePermissions.fromString("rw-r--r--"));
      }
      if (php) {
        // The counter's database: written by Apache's user only, outside what is served.
        Path data = layer.resolve(DefaultPage.DATA_DIR);
        if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(data);
          Files.setAttribute(data, "unix:uid", StaticImage.WWW_DATA, LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(data, "unix:gid", StaticImage.WWW_DATA, LinkOption.NOFOLLOW_LINKS);
          Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the directories of site \"" + name + "\"", e);
    }
  }

  /**
   * Writes files for the container beside the layer, never through it (a symbolic link there must not lead
   * Pier's writes onto the host): they are bind-mounted read-only over the container's own.
   */
  static void writeAll(Path dir, Map<String, String> files) {
    files.forEach((path, content) -> MoreFiles.writeAtomically(dir.resolve(path), content));
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
