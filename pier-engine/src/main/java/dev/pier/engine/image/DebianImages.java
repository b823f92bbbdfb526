package dev.pier.engine.image;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandFailedException;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.rootfs.MountTable;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  static final String BUILDER_REVISION = "debian-apache-3";
  public static final List<String> COMMAND = List.of(PierSetup.LAUNCHER);
  public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);

  private static final Logger log = LoggerFactory.getLogger(DebianImages.class);
  private static final Pattern VERSION = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{8}");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

  private final CommandRunner runner;
  private final MountTable mounts;
  private final Path imagesDir;
  private final Path tini;
  private final Supplier<AptSource> source;

  /**
   * @param runner runs debootstrap
   * @param mounts what is mounted (a version under a running site's overlay is not removed; what a build left
   *               mounted is unmounted before its directory goes)
   * @param source the apt source images are built from, read at each build
   */
  public DebianImages(CommandRunner runner, MountTable mounts, Path imagesDir, Path tini, Supplier<AptSource> source) {
    this.runner = runner;
    this.mounts = mounts;
    this.imagesDir = imagesDir;
    this.tini = tini;
    this.source = source;
  }

  public DebianImages(CommandRunner runner, MountTable mounts, Path imagesDir) {
    this(runner, mounts, imagesDir, StaticImage.DEFAULT_TINI, AptSource::fromHost);
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
   * Builds {@code version} of the image, appending debootstrap's output and Pier's own steps to {@code log}, and
   * recording the build's state and step as data beside it ({@link BuildRecord#beside}). Throws, leaving no
   * directory of this version behind, when any step fails; the log tells why, the record says so.
   */
  public Image build(ImageRecipe recipe, String version, Path log) {
    if (!isVersion(version)) {
      throw new IllegalArgumentException("\"" + version + "\" is not an image version");
    }
    BuildProgress progress = new BuildProgress(log, version);
    try {
      if (!Files.isRegularFile(tini)) {
        throw new IllegalStateException(tini + " is missing: install the Debian package tini (./pier up does)");
      }
      Image built = buildSteps(recipe, version, progress);
      progress.ready("Image " + recipe.name() + " version " + version + " is ready");
      return built;
    } catch (RuntimeException e) {
      String why = e instanceof CommandFailedException ? "debootstrap failed (exit status and output above)"
          : String.valueOf(e instanceof UncheckedIOException && e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      progress.failed(why);
      if (e.getCause() instanceof IOException io) {
        throw new UncheckedIOException("cannot build image \"" + recipe.name() + "\": " + io.getMessage(), io);
      }
      throw new IllegalStateException("cannot build image \"" + recipe.name() + "\": " + why + "; see its build log", e);
    }
  }

  private Image buildSteps(ImageRecipe recipe, String version, BuildProgress progress) {
    AptSource src = source.get();
    Path dir = imagesDir.resolve(recipe.name());
    Path target = dir.resolve(version);
    Path tmp = dir.resolve(".build-" + version);
    try {
      Files.createDirectories(dir);
      removeAbandonedBuilds(dir);
      Files.createDirectories(tmp);
      Files.writeString(tmp.resolve("builder.pid"), builderId(ProcessHandle.current()));
      Path cache = imagesDir.resolve(".debs");
      Files.createDirectories(cache);
      Path root = tmp.resolve("rootfs");
      progress.note("Building image " + recipe.name() + " version " + version + " from " + src.suite() + " at " + src.uri()
          + " with " + String.join(", ", recipe.allPackages()));
      // In a mount and pid namespace of its own, tied to Pier's life: what debootstrap mounts in the target (proc,
      // sys, device nodes) is never seen by the host, and when Pier dies or gives up, every process of the build
      // dies with it (the namespace's first process gets SIGKILL when its parent goes).
      runner.check(Command.of(buildCommand(recipe, src, cache.toAbsolutePath(), root))
          .withTimeout(BUILD_TIMEOUT).appendingOutputTo(progress.log()).onOutputLine(progress::outputLine));
      progress.note("Setting the image up for Pier: Apache in the foreground under tini, logs to the site's output");
      PierSetup.apply(root, tini, recipe, version);
      Files.delete(tmp.resolve("builder.pid"));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return version(recipe, version).orElseThrow();
    } catch (IOException e) {
      discard(tmp);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      discard(tmp);
      throw e;
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
    if (mounts.usedAsLowerLayer(dir)) {
      throw new IllegalStateException("image \"" + name + "\" version " + version + " is in use by a running site: not removing it");
    }
    MoreFiles.renameThenDelete(dir);
  }

  /**
   * Removes the image's versions that are neither in {@code keep} nor under a running site's overlay; returns
   * those removed. Failures are logged and skipped: the next call tries again.
   */
  public List<String> removeUnused(String name, Set<String> keep) {
    List<Path> trash = retireUnused(name, keep);
    trash.forEach(this::discard);
    return trash.stream().map(t -> t.getFileName().toString().replaceFirst("^\\.deleting-", "").replaceFirst("-[0-9]+$", "")).toList();
  }

  /**
   * The quick half of {@link #removeUnused}: renames the unused versions out of the way (so no start can choose
   * them) and returns where they went, for {@link #discard(Path)} later, outside any lock.
   */
  public List<Path> retireUnused(String name, Set<String> keep) {
    List<Path> trash = new ArrayList<>();
    for (String v : versions(name)) {
      Path dir = imagesDir.resolve(checkName(name)).resolve(v);
      if (keep.contains(v) || mounts.usedAsLowerLayer(dir)) {
        continue;
      }
      Path to = dir.resolveSibling(".deleting-" + v + "-" + System.nanoTime());
      try {
        Files.move(dir, to, StandardCopyOption.ATOMIC_MOVE);
        trash.add(to);
      } catch (IOException e) {
        log.warn("cannot remove image {} version {}: {}", name, v, e.getMessage());
      }
    }
    return trash;
  }

  /** Removes every version of the image and its directory. */
  public void removeAll(String name) {
    Path dir = imagesDir.resolve(checkName(name));
    if (mounts.usedAsLowerLayer(dir)) {
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
    mounts.unmountAll(trash);
    if (!mounts.under(trash).isEmpty()) {
      throw new IllegalStateException("still mounted under " + trash + ": not deleting it");
    }
    MoreFiles.deleteRecursively(trash);
  }

  private static String checkName(String name) {
    return new ImageRecipe(name, List.of()).name();
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
    return p.pid() + " " + p.info().startInstant().map(Instant::toString).orElse("?");
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
      mounts.unmountAll(dir);
      if (!mounts.under(dir).isEmpty()) {
        throw new IllegalStateException("still mounted under " + dir + ": " + mounts.under(dir));
      }
      MoreFiles.deleteRecursively(dir);
    } catch (RuntimeException e) {
      log.warn("cannot remove the unfinished image build {}: {}", dir, e.getMessage());
    }
  }
}
