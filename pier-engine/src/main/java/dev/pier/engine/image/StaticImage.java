package dev.pier.engine.image;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The built-in image {@code static}: Debian's statically linked busybox serving {@code /var/www/html} with its
 * httpd, under Debian's static tini as PID 1 (forwards signals, reaps zombies). Built locally from the host's
 * packages busybox-static and tini, once per version of those binaries, into a temporary directory first and
 * renamed into place, so no half-built image is ever used.
 */
public final class StaticImage {

  public static final String NAME = "static";
  static final String RECIPE = "static-1";
  public static final Path DEFAULT_BUSYBOX = Path.of("/bin/busybox");
  public static final Path DEFAULT_TINI = Path.of("/usr/bin/tini-static");

  /** UID and GID the httpd runs as inside the container (Debian's www-data). */
  public static final int WWW_DATA = 33;

  private final Path busybox;
  private final Path tini;
  private final List<String> command;
  private Image built;

  /** The image built from these host binaries, its containers running {@code command} under tini. */
  public StaticImage(Path busybox, Path tini, List<String> command) {
    this.busybox = busybox;
    this.tini = tini;
    this.command = List.copyOf(command);
  }

  public StaticImage() {
    this(DEFAULT_BUSYBOX, DEFAULT_TINI, command());
  }

  /**
   * The server's command line: busybox's nc listens on port 80 and runs one httpd per connection, serving
   * /var/www/html as www-data. Each httpd enters /var/www/html afresh, so a publish (which swaps that link) is seen
   * by the next connection; one long-running httpd would keep serving the release it started in.
   */
  public static List<String> command() {
    // -c /dev/null: no configuration, so none from the web root either (busybox looks for HOME/httpd.conf, where
    // a tenant could map file types to /bin/sh). nc's listen backlog is the number of l's: 16 (two l's make it
    // keep listening). A fork that fails (the plan's process limit reached) ends nc, and the restart policy
    // starts the site again.
    return List.of("/bin/busybox", "nc", "-" + "l".repeat(16), "-p", "80", "-e", "/bin/busybox", "httpd", "-i", "-u", WWW_DATA + ":" + WWW_DATA,
        "-c", "/dev/null", "-h", "/var/www/html");
  }

  /**
   * Returns the image under {@code imagesDir}, building it first if this version is not there yet. The version is
   * worked out once per process: the host's binaries are read at the first call only.
   */
  public synchronized Image ensure(Path imagesDir) {
    if (built != null && built.rootfs().startsWith(imagesDir) && Files.isDirectory(built.rootfs())) {
      return built;
    }
    for (Path p : List.of(busybox, tini)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(p + " is missing: install the Debian packages busybox-static and tini (./pier up does)");
      }
    }
    String version = version();
    Path dir = imagesDir.resolve(NAME).resolve(version);
    Path rootfs = dir.resolve("rootfs");
    if (!Files.isDirectory(rootfs)) {
      removeUnfinishedBuilds(dir.getParent());
      build(dir);
    }
    built = new Image(NAME, version, rootfs, command, false);
    return built;
  }

  private String version() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(RECIPE.getBytes(StandardCharsets.UTF_8));
      for (Path p : List.of(busybox, tini)) {
        try (InputStream in = Files.newInputStream(p)) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) > 0; ) {
            d.update(buf, 0, n);
          }
        }
      }
      return HexFormat.of().formatHex(d.digest()).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Build directories a killed process left behind. */
  private static void removeUnfinishedBuilds(Path parent) {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (var entries = Files.list(parent)) {
      for (Path p : entries.filter(e -> e.getFileName().toString().startsWith(".build-")).toList()) {
        MoreFiles.deleteRecursively(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void build(Path dir) {
    try {
      Files.createDirectories(dir.getParent());
      Path tmp = Files.createTempDirectory(dir.getParent(), ".build-");
      Path root = tmp.resolve("rootfs");
      for (String d : List.of("bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "run", "var/www/html", "var/log", "root")) {
        Files.createDirectories(root.resolve(d));
      }
      Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
      Files.copy(busybox, root.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
      Files.copy(tini, root.resolve("sbin/tini"), StandardCopyOption.COPY_ATTRIBUTES);
      for (String applet : List.of("sh", "ls", "cat", "ps", "kill", "wget", "ip", "ping", "nc", "mount", "sleep", "echo", "id", "hostname", "df")) {
        Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
      }
      Map<String, String> files = Map.of(
          "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
          "etc/group", "root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n",
          "etc/nsswitch.conf", "hosts: files dns\n",
          "var/www/html/index.html", "<!doctype html><title>Pier</title><p>This site has no content yet.</p>\n");
      for (var f : files.entrySet()) {
        Files.writeString(root.resolve(f.getKey()), f.getValue());
      }
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build image \"" + NAME + "\" in " + dir, e);
    }
  }
}
