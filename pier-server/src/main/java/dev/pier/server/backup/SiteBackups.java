package dev.pier.server.backup;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.content.DirectorySource;
import dev.pier.engine.content.Releases;
import dev.pier.engine.content.WebRoot;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import dev.pier.server.config.PierProperties;
import dev.pier.server.content.ReleaseService;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteContent;
import dev.pier.server.site.SiteService;
import dev.pier.server.site.SiteState;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backs up sites into Pier's restic repository ({@code DATA-DIR/backups}, its password in
 * {@code DATA-DIR/backup-password}): what a site's owner needs to get it back, on this Pier or another. A backup
 * holds, under one folder ({@code DATA-DIR/tmp/backups/NAME}, the same for every backup of the site, so that
 * snapshots of it share their paths): {@code manifest.json} (the site's settings: image, plan, HTTPS, sleep, body
 * limit; its releases and which is live), {@code release/} (the live release's files) and {@code data/} (what its
 * programs keep, copied with the site's processes frozen, so a SQLite database is never copied half-written). Each
 * snapshot is tagged {@code site:NAME}.
 */
@Service
public class SiteBackups {

  private static final Logger log = LoggerFactory.getLogger(SiteBackups.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final String FORMAT = "pier-site-backup-1";

  /** A backup of a site, as the API shows it. */
  public record Backup(String id, String site, Instant time) {}

  private final SiteContent content;
  private final SiteService sites;
  private final ReleaseService releases;
  private final SiteEngine engine;
  private final Restic restic;
  private final Path staging;
  private final Map<String, Object> running = new ConcurrentHashMap<>();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final BackupProperties schedule;
  /** When each site was last backed up, read from the repository once, then kept as backups are made. */
  private volatile Map<String, Instant> last;

  SiteBackups(SiteContent content, SiteService sites, ReleaseService releases, SiteEngine engine, PierProperties props,
      CommandRunner runner, BackupProperties schedule) {
    this.content = content;
    this.schedule = schedule;
    this.releases = releases;
    this.sites = sites;
    this.engine = engine;
    Path data = props.dataDir();
    this.restic = new Restic(runner, data.resolve("backups").toString(), data.resolve("backup-password"), data.resolve("backup-cache"));
    this.staging = data.resolve("tmp").resolve("backups");
  }

  /** A backup that failed: when, and what its owner and the admins are told (a short message, an error id). */
  public record Failure(Instant time, String message) {}

  /** The last failed backup of site {@code name} since its last good one, or null. */
  public Failure lastFailure(String name) {
    return failures.get(name);
  }

  /** Backs up site {@code name}, which the caller may see: 201's backup, once its snapshot is written. */
  public Backup backup(Caller caller, String name) {
    Site site = sites.get(caller, name);
    String key = site.name().value();
    try {
      Backup b = backupSite(caller, key);
      failures.remove(key);
      return b;
    } catch (RuntimeException e) {
      failures.put(key, new Failure(Instant.now(), ErrorIds.shown("the backup of site " + key, e)));
      throw e;
    }
  }

  private Backup backupSite(Caller caller, String key) {
    synchronized (running.computeIfAbsent(key, k -> new Object())) { // one backup of a site at a time: they share a folder
      Path dir = staging.resolve(key);
      try {
        content.with(caller, key, (s, releases) -> {
          stage(s, releases, dir);
          return null;
        });
        if (restic.ensure()) {
          log.warn("made the backup repository {}; its password is {}: keep a copy of it elsewhere, without it no backup"
              + " can be read", restic.repository(), "DATA-DIR/backup-password");
        }
        String id = restic.backup(dir, List.of("site:" + key));
        log.info("site {} backed up: snapshot {}", key, id);
        lastBackups().put(key, Instant.now());
        restic.forget("site:" + key, schedule.keepLast(), schedule.keepDaily(), schedule.keepWeekly(), schedule.keepMonthly());
        return list(caller, key).stream().filter(b -> b.id().startsWith(id)).findFirst() // (restic 0.14 prints the short id)
            .orElseThrow(() -> new IllegalStateException("restic wrote snapshot " + id + " of site " + key + " but does not list it"));
      } finally {
        MoreFiles.deleteRecursively(dir);
      }
    }
  }

  /** What a restore did: the backup restored, the one made just before it, and the release it made live. */
  public record Restored(String site, String backup, String before, String release) {}

  /**
   * Restores backup {@code id} of site {@code name} in place: the site's state just before is backed up first; a
   * running site is stopped, gets the backup's live release as a new release (checked as any publish is) and its
   * data swapped in whole (one rename), and is started again.
   */
  public Restored restore(Caller caller, String name, String id) {
    return restore(caller, name, id, null);
  }

  /**
   * Restores backup {@code id} of site {@code name}, in place ({@code to} null), or into a new site named {@code to},
   * the caller's, on the backup's image and plan (if the caller may use that plan), left stopped.
   */
  public Restored restore(Caller caller, String name, String id, String to) {
    Site site = sites.get(caller, name);
    String key = site.name().value();
    synchronized (running.computeIfAbsent(key, k -> new Object())) {
      Restic.Snapshot snapshot = find(key, id);
      Path target = staging.resolve(key + ".restore");
      MoreFiles.deleteRecursively(target);
      try {
        restic.restore(snapshot.id(), target); // first: the backup made next could make the retention forget it
        Path root = target.resolve(Path.of("/").relativize(Path.of(snapshot.path())).toString());
        JsonNode manifest = JSON.readTree(Files.readString(root.resolve("manifest.json")));
        if (!manifest.path("format").asString().equals(FORMAT)) {
          throw PierException.invalid("Not a site backup", "backup " + id + " is not a backup of a Pier site (" + FORMAT + ")");
        }
        String how = "restore of backup " + snapshot.id().substring(0, 8); // (a release says how in 32 characters)
        if (to != null) {
          String created = sites.create(caller, to, manifest.path("plan").asString(null), manifest.path("image").asString(null)).name().value();
          return apply(caller, created, root, snapshot.id(), how, false, false);
        }
        return apply(caller, key, root, snapshot.id(), how, false, true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restore backup " + id + " of site " + key, e);
      } finally {
        MoreFiles.deleteRecursively(target);
      }
    }
  }

  /**
   * Restores a backup archive a user uploaded (a download's .tar.gz, from this Pier or another) into site
   * {@code name} in place, after the checks of {@link BackupArchive}; as {@link #restore} does. Its data takes the
   * owner of the site's data folder.
   */
  public Restored restoreArchive(Caller caller, String name, Path archive, long maxBytes, int maxFiles) {
    Site site = sites.get(caller, name);
    String key = site.name().value();
    synchronized (running.computeIfAbsent(key, k -> new Object())) {
      Path target = staging.resolve(key + ".upload");
      MoreFiles.deleteRecursively(target);
      try {
        BackupArchive.unpack(archive, target, maxBytes, maxFiles);
        return apply(caller, key, target, null, "restore of an uploaded backup", true, true);
      } finally {
        MoreFiles.deleteRecursively(target);
      }
    }
  }

  /**
   * Puts a backup's folder ({@code manifest.json}, {@code release/}, {@code data/}) in place of the site's content:
   * its state just before backed up first, a running site stopped, the release published again (checked as any
   * publish is), the data swapped in whole, the site started again. With {@code foreign}, the data takes the owner
   * of the site's data folder; without {@code backupFirst} (a new site), nothing is backed up first.
   */
  private Restored apply(Caller caller, String key, Path root, String from, String how, boolean foreign, boolean backupFirst) {
    Backup before = backupFirst ? backup(caller, key) : null;
    boolean wasRunning = sites.get(caller, key).state() == SiteState.RUNNING;
    if (wasRunning) {
      sites.stop(caller, key);
    }
    String release = null;
    if (Files.isDirectory(root.resolve("release"), LinkOption.NOFOLLOW_LINKS)) {
      release = String.valueOf(releases.publish(caller, key, new DirectorySource(root.resolve("release")), how).id());
    }
    content.with(caller, key, (s, r) -> {
      try {
        swapData(r.root(), root.resolve("data"), foreign);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot put the data of the backup in place", e);
      }
      return null;
    });
    if (wasRunning) {
      sites.start(caller, key);
    }
    log.info("site {}: {} restored {} (the state before: {})", key, caller.user(), from == null ? "an uploaded backup" : "backup " + from,
        before == null ? "a new site" : "backup " + before.id());
    return new Restored(key, from, before == null ? null : before.id(), release);
  }

  /** Puts the backup's data in place of the site's, whole: copied beside it on the site's disk, then one rename. */
  private static void swapData(WebRoot root, Path restored, boolean foreign) throws IOException {
    Path data = root.data();
    Path incoming = data.resolveSibling("data.restoring");
    Path old = data.resolveSibling("data.before-restore");
    MoreFiles.deleteRecursively(incoming);
    MoreFiles.deleteRecursively(old);
    if (Files.isDirectory(restored, LinkOption.NOFOLLOW_LINKS)) {
      copyTree(restored, incoming);
      if (foreign) { // owned as the site's data folder is, whatever ids the archive carried
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
    } else {
      Files.copy(data, incoming, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS); // an empty one, as the site's
    }
    Files.move(data, old, StandardCopyOption.ATOMIC_MOVE);
    Files.move(incoming, data, StandardCopyOption.ATOMIC_MOVE);
    MoreFiles.deleteRecursively(old);
  }

  /** The repository's sites' backups are in. */
  public Restic restic() {
    return restic;
  }

  /** When site {@code name} was last backed up, or null: never. */
  public Instant lastBackup(String name) {
    return lastBackups().get(name);
  }

  /** When each site was last backed up. */
  Map<String, Instant> lastBackups() {
    Map<String, Instant> m = last;
    if (m == null) {
      m = new ConcurrentHashMap<>();
      restic.ensure();
      for (Restic.Snapshot s : restic.snapshots(null)) {
        for (String t : s.tags()) {
          if (t.startsWith("site:")) {
            m.merge(t.substring(5), s.time(), (a, b) -> a.isAfter(b) ? a : b);
          }
        }
      }
      last = m;
    }
    return m;
  }

  /**
   * Writes backup {@code id} of site {@code name}, which the caller may see, as a .tar.gz on {@code out}:
   * {@code manifest.json}, {@code release/} and {@code data/}, with their modes, times and numeric owners.
   */
  public void archive(Caller caller, String name, String id, OutputStream out) {
    Site site = sites.get(caller, name);
    String key = site.name().value();
    Restic.Snapshot snapshot = find(key, id);
    Path target = staging.resolve(key + ".archive-" + Long.toUnsignedString(System.nanoTime(), 36));
    try {
      restic.restore(snapshot.id(), target);
      Path root = target.resolve(Path.of("/").relativize(Path.of(snapshot.path())).toString());
      TarGz.write(root, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write backup " + id + " of site " + key + " as an archive", e);
    } finally {
      MoreFiles.deleteRecursively(target);
    }
  }

  /** The snapshot of the site's with id {@code id} (or its first 8 characters and more); 404 when it has none. */
  private Restic.Snapshot find(String site, String id) {
    restic.ensure();
    return restic.snapshots("site:" + site).stream()
        .filter(s -> s.id().equals(id) || (id.length() >= 8 && s.id().startsWith(id))).findFirst()
        .orElseThrow(() -> PierException.notFound("No such backup", "site " + site + " has no backup \"" + id + "\""));
  }

  /** The backups of site {@code name}, which the caller may see, newest first. */
  public List<Backup> list(Caller caller, String name) {
    Site site = sites.get(caller, name);
    if (!restic.ensure()) {
      return restic.snapshots("site:" + site.name().value()).stream()
          .map(s -> new Backup(s.id(), site.name().value(), s.time()))
          .sorted((a, b) -> b.time().compareTo(a.time())).toList();
    }
    return List.of();
  }

  /** Writes the backup's folder: the manifest, the live release's files, and the data, the site frozen meanwhile. */
  private void stage(Site s, Releases releases, Path dir) {
    MoreFiles.deleteRecursively(dir);
    try {
      Files.createDirectories(dir);
      WebRoot root = releases.root();
      String live = releases.active().orElse(null);
      if (live != null) {
        copyTree(root.release(live), dir.resolve("release"));
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("format", FORMAT);
      manifest.put("site", s.name().value());
      manifest.put("owner", s.owner());
      manifest.put("image", s.image());
      manifest.put("plan", s.plan());
      manifest.put("web", s.web());
      manifest.put("release", live);
      manifest.put("releases", releases.ids());
      manifest.put("time", Instant.now().toString());
      Files.writeString(dir.resolve("manifest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
      engine.contents().frozen(s.name(), () -> {
        copyTree(root.data(), dir.resolve("data"));
        return null;
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the backup of site " + s.name() + " in " + dir, e);
    }
  }

  /** Copies a tree as it is: owners, modes and times kept, links copied as links (never followed), nothing else. */
  static void copyTree(Path from, Path to) {
    if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(from, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          Files.copy(d, to.resolve(from.relativize(d).toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          if (a.isRegularFile() || a.isSymbolicLink()) {
            Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from, e);
    }
  }
}
