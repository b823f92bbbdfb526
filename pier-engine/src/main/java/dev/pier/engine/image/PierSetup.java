package dev.pier.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Pier's part of a Debian image, done once debootstrap has finished: tini, the launcher (Apache httpd in the
 * foreground), Apache's settings (the resource files {@code pier-apache} and {@code pier.conf} beside this class),
 * PHP's where the image has it ({@code pier-php.ini}: paths resolved afresh per request, as publishing needs),
 * logs to the container's output; caches and Debian's placeholder page removed.
 */
final class PierSetup {

  static final String LAUNCHER = "/usr/local/sbin/pier-apache";

  private PierSetup() {}

  /** The text of one of the resource files that go into every image. */
  static String resource(String name) {
    try (InputStream in = PierSetup.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from Pier's build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }

  static void apply(Path root, Path tini, ImageRecipe recipe, String version) throws IOException {
    if (!Files.isRegularFile(root.resolve("usr/sbin/apache2"))) {
      throw new IllegalStateException("debootstrap finished but the image has no /usr/sbin/apache2");
    }
    Path sbin = Files.createDirectories(root.resolve("usr/sbin"));
    Files.copy(tini, sbin.resolve("tini"), StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(sbin.resolve("tini"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path launcher = root.resolve(LAUNCHER.substring(1));
    Files.createDirectories(launcher.getParent());
    Files.writeString(launcher, resource("pier-apache"));
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(root.resolve("etc/apache2/conf-available/pier.conf"), resource("pier.conf"));
    link(root.resolve("etc/apache2/conf-enabled/pier.conf"), "../conf-available/pier.conf");
    link(root.resolve("etc/apache2/mods-enabled/remoteip.load"), "../mods-available/remoteip.load");
    // Apache's log files are the container's output, which Pier keeps per site.
    Path logs = Files.createDirectories(root.resolve("var/log/apache2"));
    for (String[] l : new String[][] {{"access.log", "/dev/stdout"}, {"other_vhosts_access.log", "/dev/stdout"}, {"error.log", "/dev/stderr"}}) {
      Files.deleteIfExists(logs.resolve(l[0]));
      Files.createSymbolicLink(logs.resolve(l[0]), Path.of(l[1]));
    }
    Path php = root.resolve("etc/php");
    if (Files.isDirectory(php)) {
      try (var versions = Files.list(php)) {
        for (Path v : versions.toList()) {
          Path confd = v.resolve("apache2/conf.d");
          if (Files.isDirectory(confd, LinkOption.NOFOLLOW_LINKS)) {
            Files.writeString(confd.resolve("99-pier.ini"), resource("pier-php.ini"));
          }
        }
      }
    }
    Files.deleteIfExists(root.resolve("var/www/html/index.html"));
    emptyDir(root.resolve("var/cache/apt/archives"), ".deb");
    emptyDir(root.resolve("var/lib/apt/lists"), "");
    Files.writeString(root.resolve("etc/pier-image"), "name=" + recipe.name() + "\nversion=" + version
        + "\npackages=" + String.join(" ", recipe.allPackages()) + "\n");
  }

  private static void link(Path link, String target) throws IOException {
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(target));
  }

  private static void emptyDir(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var entries = Files.list(dir)) {
      for (Path p : entries.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          && p.getFileName().toString().endsWith(suffix)).toList()) {
        Files.delete(p);
      }
    }
  }
}
