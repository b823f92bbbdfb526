package dev.pier.server.image;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.image.BuildRecord;
import dev.pier.engine.image.DebianImages;
import dev.pier.engine.image.ImageRecipe;
import dev.pier.engine.image.ImageRef;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Images: everyone sees them; admins add Debian images (a name and packages), change their packages, rebuild
 * and delete them. Builds run one at a time in the background, each with its log; a finished build becomes the
 * image's current version, which sites get at their next start. Versions no site runs on any more are removed.
 */
@Service
public class ImageService {

  private static final Logger log = LoggerFactory.getLogger(ImageService.class);

  private final ImageRepository repo;
  private final ImageUsers sites;
  private final SiteEngine engine;
  private final DebianImages debian;
  private final Path logsDir;
  private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "image-builder");
    t.setDaemon(true);
    return t;
  });
  /** The latest build of each image made by this process. */
  private final ConcurrentHashMap<String, ImageBuild> builds = new ConcurrentHashMap<>();
  /** Starts hold it shared from choosing a version until their overlay is mounted; removing versions holds it alone. */
  private final ReentrantReadWriteLock versions = new ReentrantReadWriteLock();

  public ImageService(ImageRepository repo, ImageUsers sites, SiteEngine engine) {
    this.repo = repo;
    this.sites = sites;
    this.engine = engine;
    this.debian = engine.debianImages();
    this.logsDir = engine.config().dataDir().resolve("image-builds");
  }

  public List<ImageView> list() {
    return repo.all().stream().map(this::view).toList();
  }

  public ImageView get(String name) {
    return view(row(name));
  }

  private ImageRow row(String name) {
    return repo.find(name).orElseThrow(() -> new PierException(Kind.NOT_FOUND, "Image not found",
        "image \"" + name + "\" does not exist", null));
  }

  private ImageView view(ImageRow row) {
    if (row.isStatic()) {
      String v = engine.image(ImageRef.STATIC).version();
      return new ImageView(row.name(), List.of(), true, false, "busybox", v, List.of(v), null, sites.countUsingImage(row.name()));
    }
    List<String> versions = debian.versions(row.name());
    return new ImageView(row.name(), row.packages(), row.builtin(), row.php(), "debian", versions.isEmpty() ? null : versions.getLast(),
        versions, lastBuild(row.name(), versions), sites.countUsingImage(row.name()));
  }

  /** Adds a Debian image and starts building it. */
  public ImageView create(Caller caller, String name, List<String> packages) {
    requireAdmin(caller);
    ImageRecipe recipe = recipe(name, packages);
    try {
      repo.insert(recipe.name(), recipe.packages(), caller.user());
    } catch (DuplicateKeyException e) {
      throw new PierException(Kind.ALREADY_EXISTS, "Name taken", "image \"" + name + "\" already exists: rebuild or change it instead", e);
    }
    log.info("image {} added by {} with packages {}", recipe.name(), caller.user(), recipe.packages());
    if (!debian.versions(recipe.name()).isEmpty()) { // files an earlier image of that name left: not this one's
      versions.writeLock().lock();
      try {
        debian.removeAll(recipe.name());
      } catch (RuntimeException e) {
        log.warn("image {}: could not remove the files of an earlier image of that name: {}", recipe.name(), e.getMessage());
      } finally {
        versions.writeLock().unlock();
      }
    }
    queue(recipe.name());
    return get(recipe.name());
  }

  /** Changes a Debian image's packages and builds the new version. Running sites keep theirs until they restart. */
  public ImageView changePackages(Caller caller, String name, List<String> packages) {
    requireAdmin(caller);
    ImageRow row = debianRow(name);
    ImageRecipe recipe = recipe(name, packages);
    synchronized (builds) {
      ImageBuild b = builds.get(name);
      if (b != null && b.active()) {
        throw new PierException(Kind.CONFLICT, "Build in progress",
            "image \"" + name + "\" is being built: change its packages when that build is done", null);
      }
      repo.updatePackages(row.name(), recipe.packages());
      queue(name);
    }
    return get(name);
  }

  /** Builds a new version of a Debian image from its package list (security updates, say). */
  public ImageView rebuild(Caller caller, String name) {
    requireAdmin(caller);
    debianRow(name);
    queue(name);
    return get(name);
  }

  public void delete(Caller caller, String name) {
    requireAdmin(caller);
    ImageRow row = row(name);
    if (row.builtin()) {
      throw new PierException(Kind.CONFLICT, "Built-in image", "image \"" + name + "\" is built in and cannot be deleted", null);
    }
    int users = sites.countUsingImage(name);
    if (users > 0) {
      throw new PierException(Kind.CONFLICT, "Image in use",
          "image \"" + name + "\" is used by " + users + " site(s): delete them first", null);
    }
    synchronized (builds) {
      ImageBuild b = builds.get(name);
      if (b != null && b.active()) {
        throw new PierException(Kind.CONFLICT, "Build in progress", "image \"" + name + "\" is being built: delete it when that is done", null);
      }
      versions.writeLock().lock();
      try {
        // Files first: a failure leaves the image listed, to be deleted again, never files of a deleted image.
        debian.removeAll(name);
      } catch (RuntimeException e) {
        throw new PierException(Kind.CONFLICT, "Image in use", "cannot delete image \"" + name + "\": " + e.getMessage(), e);
      } finally {
        versions.writeLock().unlock();
      }
      try {
        repo.delete(name);
      } catch (DataIntegrityViolationException e) {
        throw new PierException(Kind.CONFLICT, "Image in use", "image \"" + name + "\" is in use by a site created just now", e);
      }
      builds.remove(name);
    }
    MoreFiles.deleteRecursively(logsDir.resolve(name));
    log.info("image {} deleted by {}", name, caller.user());
  }

  /** The latest build's log (debootstrap's output and Pier's own steps), at most the last 1 MiB. */
  public String buildLog(Caller caller, String name) {
    requireAdmin(caller);
    debianRow(name);
    Optional<Path> latest = latestLog(name);
    return latest.isEmpty() ? "" : tail(latest.get(), 1 << 20);
  }

  /** The image for a new site: it must exist. Its version is chosen at each start. */
  public ImageRef forCreate(String name) {
    ImageRow row = repo.find(name).orElseThrow(() -> new PierException(Kind.INVALID, "Unknown image",
        "image \"" + name + "\" does not exist: choose one of " + repo.all().stream().map(ImageRow::name).toList(), null));
    return row.isStatic() ? ImageRef.STATIC : new ImageRef(row.name(), "", row.php());
  }

  /** Whether sites on the image start with the PHP page. */
  public boolean php(String name) {
    return repo.find(name).map(ImageRow::php).orElse(false);
  }

  /**
   * The version a site starting now runs: the image's current one. When the image has none yet, its build is
   * started (if not under way) and the start is refused with a 409 that says so.
   */
  public ImageRef forStart(String name) {
    ImageRow row = row(name);
    if (row.isStatic()) {
      return ImageRef.STATIC;
    }
    List<String> v = debian.versions(name);
    if (!v.isEmpty()) {
      return new ImageRef(name, v.getLast(), row.php());
    }
    ImageBuild last = lastBuild(name, v);
    if (last != null && last.state() == ImageBuild.State.FAILED) {
      // Not built again at every start (a crash-looping site would rebuild it forever): an admin decides.
      throw new PierException(Kind.CONFLICT, "Image not built", "image \"" + name + "\" could not be built ("
          + last.error() + "): an admin can read its build log and rebuild it", null);
    }
    ImageBuild b = last != null && last.active() ? last : queue(name);
    if (b.state() == ImageBuild.State.FAILED) {
      throw new PierException(Kind.CONFLICT, "Image not built", "image \"" + name + "\" cannot be built: " + b.error(), null);
    }
    throw new PierException(Kind.CONFLICT, "Image not built yet", "image \"" + name + "\" is being built ("
        + (b.step() == null ? b.state().word() : b.step()) + "): start the site again when it is ready, in a minute or two", null);
  }

  /** Runs a start holding image versions in place, so none it chose is removed before its overlay is mounted. */
  public <T> T holdingVersions(Supplier<T> start) {
    versions.readLock().lock();
    try {
      return start.get();
    } finally {
      versions.readLock().unlock();
    }
  }

  /** Removes versions of the image that are neither current nor run by a site. */
  public void collect(String name) {
    if (name.equals(StaticImage.NAME) || repo.find(name).isEmpty()) {
      return;
    }
    List<Path> retired;
    versions.writeLock().lock();
    try {
      List<String> all = debian.versions(name);
      Set<String> keep = new HashSet<>(sites.versionsInUse(name));
      if (!all.isEmpty()) {
        keep.add(all.getLast());
      }
      retired = debian.retireUnused(name, keep); // renames only: quick, so starts wait little
    } finally {
      versions.writeLock().unlock();
    }
    if (!retired.isEmpty()) {
      log.info("image {}: removing versions no site runs any more: {}", name, retired.stream().map(Path::getFileName).toList());
      retired.forEach(debian::discard);
    }
  }

  /** {@link #collect} for every image. */
  public void collectAll() {
    for (ImageRow row : repo.all()) {
      collect(row.name());
    }
  }

  /** At Pier's start: finishes the builds and removals a crash interrupted. Logs and goes on when it cannot. */
  public void tidy() {
    try {
      debian.sweep();
    } catch (RuntimeException e) {
      log.warn("could not tidy the images directory: {}", e.getMessage());
    }
  }

  /** At Pier's start: builds every built-in Debian image that has no version on this host yet. */
  public void buildMissing() {
    for (ImageRow row : repo.all()) {
      if (!row.isStatic() && row.builtin() && debian.versions(row.name()).isEmpty()) {
        queue(row.name());
      }
    }
  }

  private ImageBuild queue(String name) {
    synchronized (builds) {
      ImageBuild b = builds.get(name);
      if (b != null && b.active()) {
        return b;
      }
      ImageRecipe recipe = debianRow(name).recipe();
      String version;
      try {
        version = debian.newVersion(recipe); // reads the host's apt sources
      } catch (RuntimeException e) {
        ImageBuild failed = new ImageBuild(null, ImageBuild.State.FAILED, Instant.now(), Instant.now(), null, e.getMessage());
        builds.put(name, failed);
        log.warn("image {}: cannot build it: {}", name, e.getMessage());
        return failed;
      }
      ImageBuild queued = new ImageBuild(version, ImageBuild.State.QUEUED, null, null, null, null);
      builds.put(name, queued);
      builder.submit(() -> build(name, version));
      log.info("image {}: build of version {} queued", name, version);
      return queued;
    }
  }

  private void build(String name, String version) {
    Instant started = Instant.now();
    Path logFile = logsDir.resolve(name).resolve(version + ".log");
    try {
      Optional<ImageRow> row = repo.find(name);
      if (row.isEmpty()) {
        builds.remove(name);
        return;
      }
      Files.createDirectories(logFile.getParent());
      builds.put(name, new ImageBuild(version, ImageBuild.State.BUILDING, started, null, null, null));
      debian.build(row.get().recipe(), version, logFile);
      builds.put(name, new ImageBuild(version, ImageBuild.State.READY, started, Instant.now(), null, null));
      log.info("image {}: version {} built", name, version);
      collect(name);
    } catch (IOException | RuntimeException e) {
      builds.put(name, new ImageBuild(version, ImageBuild.State.FAILED, started, Instant.now(), null, e.getMessage()));
      log.warn("image {}: build of version {} failed: {}", name, version, e.getMessage());
    }
  }

  private ImageBuild lastBuild(String name, List<String> versions) {
    ImageBuild b = builds.get(name);
    if (b != null) {
      return b.state() == ImageBuild.State.BUILDING ? new ImageBuild(b.version(), b.state(), b.startedAt(), null,
          step(logsDir.resolve(name).resolve(b.version() + ".log")), null) : b;
    }
    // Built by an earlier run of Pier: its record tells.
    Optional<Path> latest = latestLog(name);
    if (latest.isEmpty()) {
      return null;
    }
    BuildRecord record = BuildRecord.forLog(latest.get());
    if (versions.contains(record.version())) {
      return new ImageBuild(record.version(), ImageBuild.State.READY, null, record.finishedAt(), null, null);
    }
    String why = record.state() == BuildRecord.State.FAILED && record.error() != null ? record.error()
        : "the build did not finish: Pier stopped during it";
    return new ImageBuild(record.version(), ImageBuild.State.FAILED, null, record.finishedAt(), null, why);
  }

  private Optional<Path> latestLog(String name) {
    Path dir = logsDir.resolve(name);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).max(Comparator.comparing(p -> p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The build's latest step, as its record says. */
  static String step(Path logFile) {
    return BuildRecord.read(BuildRecord.beside(logFile)).map(BuildRecord::step).orElse("starting debootstrap");
  }

  /** The end of a build log; empty if it cannot be read (a log is only ever shown, never relied on). */
  private static String tail(Path file, int maxBytes) {
    try {
      return MoreFiles.tail(file, maxBytes);
    } catch (UncheckedIOException e) {
      return "";
    }
  }

  private ImageRow debianRow(String name) {
    ImageRow row = row(name);
    if (row.isStatic()) {
      throw new PierException(Kind.INVALID, "Not a Debian image",
          "image \"static\" is made from the host's busybox and tini: it has no package list and needs no build", null);
    }
    return row;
  }

  private static ImageRecipe recipe(String name, List<String> packages) {
    try {
      return new ImageRecipe(name, packages == null ? List.of() : packages);
    } catch (IllegalArgumentException e) {
      throw new PierException(Kind.INVALID, "Invalid image", e.getMessage(), e);
    }
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.admin()) {
      throw PierException.forbidden("Admins only", "only admins manage images");
    }
  }

  @PreDestroy
  void shutdown() {
    builder.shutdownNow();
  }
}
