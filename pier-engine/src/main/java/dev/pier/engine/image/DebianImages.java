package dev.pier.engine.image;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandFailedException;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.rootfs.Mounts;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Debian images, built with debootstrap (minbase) from the host's own apt source plus a package list, and kept
 * as versions: {@code images/NAME/VERSION/rootfs}. A version is named after when it was built and what from
 * ({@code 20261125-225301-3f2a9c1e}); the newest is the image's current one. A build goes to a hidden directory
 * first and is renamed into place when complete, so a failed or killed build never leaves a half image.
 *
 * <p>Every image serves with Apache httpd in the foreground under tini, logging to the container's output.
 */
public final class DebianImages {

  /** Changes when what a build does changes, so images of an older recipe are told apart. */
  static final String BUILDER_REVISION = "debian-apache-2";
  static final String LAUNCHER = "/usr/local/sbin/pier-apache";
  public static final List<String> COMMAND = List.of(LAUNCHER);
  public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);

  private static final Pattern VERSION = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{8}");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

  private final CommandRunner runner;
  private final Path imagesDir;
  private final Path tini;
  private final Supplier<AptSource> source;

  public DebianImages(CommandRunner runner, Path imagesDir, Path tini, Supplier<AptSource> source) {
    this.runner = runner;
    this.imagesDir = imagesDir;
    this.tini = tini;
    this.source = source;
  }

  public DebianImages(CommandRunner runner, Path imagesDir) {
    this(runner, imagesDir, StaticImage.DEFAULT_TINI, AptSource::fromHost);
  }

  public Path imagesDir() {
    return imagesDir;
  }

  /** Whether {@code version} has the form of a version name (so it is safe as a path component). */
  public static boolean isVersion(String version) {
    return version != null && VERSION.matcher(version).matches();
  }

  /** The image's built versions, oldest first. */
  public List<String> versions(String name) {
    Path dir = imagesDir.resolve(checkName(name));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString())
          .filter(DebianImages::isVersion)
          .filter(v -> Files.isDirectory(dir.resolve(v).resolve("rootfs")))
          .sorted(Comparator.naturalOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the versions of image \"" + name + "\"", e);
    }
  }

  /** The newest built version of the image, if any. */
  public Optional<Image> current(ImageRecipe recipe) {
    List<String> v = versions(recipe.name());
    return v.isEmpty() ? Optional.empty() : version(recipe, v.getLast());
  }

  /** One built version of the image, if it is on disk. */
  public Optional<Image> version(ImageRecipe recipe, String version) {
    return version(recipe.name(), version, recipe.php());
  }

  public Optional<Image> version(String name, String version, boolean php) {
    if (!isVersion(version)) {
      return Optional.empty();
    }
    Path rootfs = imagesDir.resolve(checkName(name)).resolve(version).resolve("rootfs");
    return Files.isDirectory(rootfs) ? Optional.of(new Image(name, version, rootfs, COMMAND, php)) : Optional.empty();
  }

  /** The current version if it was built from this very recipe (same packages, source and builder), else a new build. */
  public Image ensure(ImageRecipe recipe, Path log) {
    String fingerprint = fingerprint(recipe);
    List<String> v = versions(recipe.name());
    for (int i = v.size() - 1; i >= 0; i--) {
      if (v.get(i).endsWith("-" + fingerprint)) {
        return version(recipe, v.get(i)).orElseThrow();
      }
    }
    return build(recipe, newVersion(recipe), log);
  }

  /** A fresh version name for a build of this recipe: the time now and what it is built from. */
  public String newVersion(ImageRecipe recipe) {
    return ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + "-" + fingerprint(recipe);
  }

  private String fingerprint(ImageRecipe recipe) {
    AptSource src = source.get();
    String text = BUILDER_REVISION + "\n" + String.join(",", recipe.allPackages()) + "\n" + src.uri() + "\n" + src.suite();
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Builds {@code version} of the image, appending debootstrap's output and Pier's own steps to {@code log}.
   * Throws, leaving no directory of this version behind, when any step fails; the log tells why.
   */
  public Image build(ImageRecipe recipe, String version, Path log) {
    if (!isVersion(version)) {
      throw new IllegalArgumentException("\"" + version + "\" is not an image version");
    }
    if (!Files.isRegularFile(tini)) {
      throw new IllegalStateException(tini + " is missing: install the Debian package tini (./pier up does)");
    }
    AptSource src = source.get();
    Path dir = imagesDir.resolve(recipe.name());
    Path target = dir.resolve(version);
    Path tmp = dir.resolve(".build-" + version);
    try {
      Files.createDirectories(dir);
      Files.createDirectories(log.toAbsolutePath().getParent());
      removeAbandonedBuilds(dir);
      Files.createDirectories(tmp);
      Files.writeString(tmp.resolve("builder.pid"), builderId(ProcessHandle.current()));
      Path cache = imagesDir.resolve(".debs");
      Files.createDirectories(cache);
      Path root = tmp.resolve("rootfs");
      note(log, "Building image " + recipe.name() + " version " + version + " from " + src.suite() + " at " + src.uri()
          + " with " + String.join(", ", recipe.allPackages()));
      // In a mount and pid namespace of its own, tied to Pier's life: what debootstrap mounts in the target (proc,
      // sys, device nodes) is never seen by the host, and when Pier dies or gives up, every process of the build
      // dies with it (the namespace's first process gets SIGKILL when its parent goes).
      runner.check(Command.of(buildCommand(recipe, src, cache.toAbsolutePath(), root)).withTimeout(BUILD_TIMEOUT).appendingOutputTo(log));
      note(log, "Setting the image up for Pier: Apache in the foreground under tini, logs to the site's output");
      finish(root, recipe, version);
      Files.delete(tmp.resolve("builder.pid"));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      note(log, "Image " + recipe.name() + " version " + version + " is ready");
      return version(recipe, version).orElseThrow();
    } catch (IOException | RuntimeException e) {
      String why = e instanceof CommandFailedException ? "debootstrap failed (exit status and output above)" : String.valueOf(e.getMessage());
      try {
        note(log, "Build failed: " + why);
      } catch (IOException ignored) {
        // the log itself is what failed; the exception says so
      }
      discard(tmp);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot build image \"" + recipe.name() + "\": " + io.getMessage(), io);
      }
      throw new IllegalStateException("cannot build image \"" + recipe.name() + "\": " + why + "; see its build log", e);
    }
  }

  /** The build's argument list. Pure. */
  static List<String> buildCommand(ImageRecipe recipe, AptSource src, Path cache, Path root) {
    return List.of("setpriv", "--pdeathsig", "KILL", "--",
        "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child=KILL", "--",
        "debootstrap", "--variant=minbase", "--include=" + String.join(",", recipe.allPackages()),
        "--cache-dir=" + cache, src.suite(), root.toString(), src.uri());
  }

  /** Removes one built version (a site must not be running on it). */
  public void remove(String name, String version) {
    if (!isVersion(version)) {
      throw new IllegalArgumentException("\"" + version + "\" is not an image version");
    }
    Path dir = imagesDir.resolve(checkName(name)).resolve(version);
    if (Mounts.usedAsLowerLayer(dir)) {
      throw new IllegalStateException("image \"" + name + "\" version " + version + " is in use by a running site: not removing it");
    }
    MoreFiles.renameThenDelete(dir);
  }

  /**
   * Removes the image's versions that are neither in {@code keep} nor under a running site's overlay; returns
   * those removed. Failures are logged and skipped: the next call tries again.
   */
  public List<String> removeUnused(String name, java.util.Set<String> keep) {
    List<Path> trash = retireUnused(name, keep);
    trash.forEach(this::discard);
    return trash.stream().map(t -> t.getFileName().toString().replaceFirst("^\\.deleting-", "").replaceFirst("-[0-9]+$", "")).toList();
  }

  /**
   * The quick half of {@link #removeUnused}: renames the unused versions out of the way (so no start can choose
   * them) and returns where they went, for {@link #discard(Path)} later, outside any lock.
   */
  public List<Path> retireUnused(String name, java.util.Set<String> keep) {
    List<Path> trash = new ArrayList<>();
    for (String v : versions(name)) {
      Path dir = imagesDir.resolve(checkName(name)).resolve(v);
      if (keep.contains(v) || Mounts.usedAsLowerLayer(dir)) {
        continue;
      }
      Path to = dir.resolveSibling(".deleting-" + v + "-" + System.nanoTime());
      try {
        Files.move(dir, to, StandardCopyOption.ATOMIC_MOVE);
        trash.add(to);
      } catch (IOException e) {
        org.slf4j.LoggerFactory.getLogger(DebianImages.class).warn("cannot remove image {} version {}: {}", name, v, e.getMessage());
      }
    }
    return trash;
  }

  /** Removes every version of the image and its directory. */
  public void removeAll(String name) {
    Path dir = imagesDir.resolve(checkName(name));
    if (Mounts.usedAsLowerLayer(dir)) {
      throw new IllegalStateException("image \"" + name + "\" is in use by a running site: not removing it");
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    Path trash = dir.resolveSibling(".deleting-" + name + "-" + System.nanoTime());
    try {
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move image " + name + " aside to delete it", e);
    }
    Mounts.unmountAll(runner, trash);
    if (!Mounts.under(trash).isEmpty()) {
      throw new IllegalStateException("still mounted under " + trash + ": not deleting it");
    }
    MoreFiles.deleteRecursively(trash);
  }

  private static String checkName(String name) {
    return new ImageRecipe(name, List.of()).name();
  }

  private static void note(Path log, String line) throws IOException {
    Files.writeString(log, "P: " + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Hidden build directories whose builder process is gone (a crash or kill). Builds still running are left alone. */
  private void removeAbandonedBuilds(Path dir) throws IOException {
    List<Path> abandoned = new ArrayList<>();
    try (var entries = Files.list(dir)) {
      for (Path p : entries.filter(e -> e.getFileName().toString().startsWith(".build-")).toList()) {
        String recorded;
        try {
          recorded = Files.readString(p.resolve("builder.pid")).strip();
        } catch (IOException e) {
          recorded = "";
        }
        // The same pid alone is not enough: after a reboot another process may have it.
        Optional<ProcessHandle> builder = recorded.isEmpty() ? Optional.empty()
            : ProcessHandle.of(Long.parseLong(recorded.split(" ")[0].replaceAll("[^0-9]", "0")));
        if (builder.isEmpty() || !builder.get().isAlive() || !builderId(builder.get()).equals(recorded)) {
          abandoned.add(p);
        }
      }
    }
    for (Path p : abandoned) {
      discard(p);
    }
  }

  /** A process as the builder of a directory: its pid and when it started. */
  private static String builderId(ProcessHandle p) {
    return p.pid() + " " + p.info().startInstant().map(java.time.Instant::toString).orElse("?");
  }

  /** At Pier's start: finishes removals and builds that a crash interrupted, for every image. */
  public void sweep() {
    if (!Files.isDirectory(imagesDir)) {
      return;
    }
    try (var images = Files.list(imagesDir)) {
      for (Path dir : images.filter(Files::isDirectory).toList()) {
        String n = dir.getFileName().toString();
        if (n.startsWith(".deleting-")) {
          discard(dir);
          continue;
        }
        if (n.startsWith(".")) {
          continue;
        }
        removeAbandonedBuilds(dir);
        try (var entries = Files.list(dir)) {
          for (Path trash : entries.filter(e -> e.getFileName().toString().startsWith(".deleting-")).toList()) {
            discard(trash);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tidy " + imagesDir, e);
    }
  }

  /**
   * Deletes a build directory, unmounting first what debootstrap may have left mounted in it (proc, sys, and
   * device nodes bound from the host's /dev): deleting through those would reach the host.
   */
  public void discard(Path dir) {
    try {
      Mounts.unmountAll(runner, dir);
      if (!Mounts.under(dir).isEmpty()) {
        throw new IllegalStateException("still mounted under " + dir + ": " + Mounts.under(dir));
      }
      MoreFiles.deleteRecursively(dir);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(DebianImages.class).warn("cannot remove the unfinished image build {}: {}", dir, e.getMessage());
    }
  }

  /** Pier's part of the image: tini, the launcher, Apache's settings; caches and Debian's placeholder page removed. */
  private void finish(Path root, ImageRecipe recipe, String version) throws IOException {
    if (!Files.isRegularFile(root.resolve("usr/sbin/apache2"))) {
      throw new IllegalStateException("debootstrap finished but the image has no /usr/sbin/apache2");
    }
    Path sbin = Files.createDirectories(root.resolve("usr/sbin"));
    Files.copy(tini, sbin.resolve("tini"), StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(sbin.resolve("tini"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path launcher = root.resolve(LAUNCHER.substring(1));
    Files.createDirectories(launcher.getParent());
    Files.writeString(launcher, """
        #!/bin/sh
        # Written by Pier: Apache httpd in the foreground, as the container's main process under tini.
        # SIGTERM (a stop) makes it finish its requests in flight and exit.
        set -e
        . /etc/apache2/envvars
        # /run is a fresh tmpfs: /var/lock points into it.
        mkdir -p /run/lock "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
        rm -f "$APACHE_PID_FILE"
        exec /usr/sbin/apache2 -DFOREGROUND
        """);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(root.resolve("etc/apache2/conf-available/pier.conf"), """
        # Written by Pier.
        # No name lookup at start (the container has no resolver).
        ServerName localhost
        # Requests arrive through Pier's edge: log and see the client's address, not the edge's.
        RemoteIPHeader X-Forwarded-For
        RemoteIPInternalProxy 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16
        LogFormat "%a %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
        # Few processes while idle: many sites share the host.
        <IfModule mpm_prefork_module>
          StartServers 2
          MinSpareServers 1
          MaxSpareServers 4
          MaxRequestWorkers 24
        </IfModule>
        <IfModule mpm_event_module>
          StartServers 1
          ServerLimit 4
          ThreadsPerChild 8
          MinSpareThreads 4
          MaxSpareThreads 16
          MaxRequestWorkers 32
        </IfModule>
        """);
    link(root.resolve("etc/apache2/conf-enabled/pier.conf"), "../conf-available/pier.conf");
    link(root.resolve("etc/apache2/mods-enabled/remoteip.load"), "../mods-available/remoteip.load");
    // Apache's log files are the container's output, which Pier keeps per site.
    Path logs = Files.createDirectories(root.resolve("var/log/apache2"));
    for (String[] l : new String[][] {{"access.log", "/dev/stdout"}, {"other_vhosts_access.log", "/dev/stdout"}, {"error.log", "/dev/stderr"}}) {
      Files.deleteIfExists(logs.resolve(l[0]));
      Files.createSymbolicLink(logs.resolve(l[0]), Path.of(l[1]));
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
      for (Path p : entries.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && p.getFileName().toString().endsWith(suffix)).toList()) {
        Files.delete(p);
      }
    }
  }
}
