package dev.pier.server.backup;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteContent;
import dev.pier.server.site.SiteService;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Backs up sites into Pier's restic repository ({@link BackupRepositories}), and the off-site one when an admin added
 * it: what a site's owner needs to get it back, on this Pier or another. A backup
 * holds, under one folder ({@code DATA-DIR/tmp/backups/NAME}, the same for every backup of the site, so that
 * snapshots of it share their paths): {@code manifest.json} (the site's settings: image, plan, HTTPS, sleep, body
 * limit; its releases and which is live), {@code release/} (the live release's files) and {@code data/} (what its
 * programs keep, copied with the site's processes frozen, so a SQLite database is never copied half-written). Each
 * snapshot is tagged {@code site:NAME} and {@code born:MILLIS} (when the site was made): a later site of the same name,
 * maybe another user's, never sees an earlier one's backups. Two backups, restores or downloads are staged at a time. A
 * site is also backed up just before each publish ({@link BackupBeforePublish}); restores are {@link SiteRestores}'.
 */
@Service
public class SiteBackups {

  private static final Logger log = LoggerFactory.getLogger(SiteBackups.class);

  /**
   * A backup of a site, as the API shows it; {@code offsite}, for a backup just made while an off-site repository is
   * set: {@code "copied"}, or why its copy there failed (the backup still counts: it is in Pier's own repository).
   */
  public record Backup(String id, String site, Instant time, String offsite) {
    Backup with(String offsite) {
      return new Backup(id, site, time, offsite);
    }
  }

  /** A backup that failed: when, and what its owner and the admins are told (a short message, an error id). */
  public record Failure(Instant time, String message) {}


  private final SiteContent content;
  private final SiteService sites;
  private final SiteEngine engine;
  private final Restic restic;
  private final Path staging;
  /** Two stagings at a time at most (each copies a whole site onto the host's disk; this host has two cores). */
  private final Semaphore room = new Semaphore(2, true);
  /** How deep in stagings this thread is: a restore's backup first is staged within the restore's own. */
  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
  /** One staging of a folder at a time. */
  private final Map<String, ReentrantLock> folders = new ConcurrentHashMap<>();
  private volatile boolean held;
  /** Two downloads at a time at most: each keeps a restored copy of a site on the host's disk while it is sent. */
  private final Semaphore downloads = new Semaphore(2);
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final Map<String, Failure> offsiteFailures = new ConcurrentHashMap<>();
  private final BackupRepositories repos;
  private final BackupProperties schedule;
  /** When each site (by its tags) was last backed up, read from the repository once, then kept as backups are made. */
  private volatile Map<String, Instant> last;

  SiteBackups(SiteContent content, SiteService sites, SiteEngine engine, PierProperties props,
      BackupRepositories repos, BackupProperties schedule) {
    this.content = content;
    this.schedule = schedule;
    this.sites = sites;
    this.engine = engine;
    this.repos = repos;
    this.restic = repos.local();
    this.staging = props.dataDir().resolve("tmp").resolve("backups");
  }

  /** Where backups are staged on the host's disk. */
  Path staging() {
    return staging;
  }

  /** restic on the off-site repository, when an admin set one. */
  java.util.Optional<Restic> offsiteRestic() {
    return repos.offsite().map(BackupRepositories.Offsite::restic);
  }

  /** The repository sites' backups are in. */
  public Restic restic() {
    return restic;
  }

  /** The tags of every snapshot of this site, and only of it: {@code site:NAME,born:MILLIS} (restic's "both"). */
  static String tags(Site site) {
    return "site:" + site.name().value() + ",born:" + site.createdAt().toEpochMilli();
  }

  /** The last failed backup of the site since its last good one, or null. */
  public Failure lastFailure(Site site) {
    return failures.get(tags(site));
  }

  /** The last failure to copy the site's backup off-site since the last copy that worked, or null. */
  public Failure lastOffsiteFailure(Site site) {
    return offsiteFailures.get(tags(site));
  }

  /** When the site was last backed up, or null: never (or the repository does not open: the overview says why). */
  public Instant lastBackup(Site site) {
    try {
      return lastBackups().get(tags(site));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** When each site was last backed up, by its tags; empty while there is no repository yet (none is made here). */
  Map<String, Instant> lastBackups() {
    Map<String, Instant> m = last;
    if (m == null) {
      if (!restic.exists()) {
        return new ConcurrentHashMap<>();
      }
      m = new ConcurrentHashMap<>();
      restic.ensure();
      for (Restic.Snapshot s : restic.snapshots(null)) {
        String site = s.tags().stream().filter(t -> t.startsWith("site:")).findFirst().orElse(null);
        String born = s.tags().stream().filter(t -> t.startsWith("born:")).findFirst().orElse(null);
        if (site != null && born != null) {
          m.merge(site + "," + born, s.time(), (a, b) -> a.isAfter(b) ? a : b);
        }
      }
      last = m;
    }
    return m;
  }

  /** Backs up site {@code name}, which the caller may see: the backup, once its snapshot is written and listed. */
  public Backup backup(Caller caller, String name) {
    return backup(caller, name, true);
  }

  /** Backs the site up; {@code offsite}: also to the off-site repository (a publish's backup first leaves it to the night). */
  Backup backup(Caller caller, String name, boolean offsite) {
    Site site = sites.get(caller, name);
    try {
      Backup b = backupSite(caller, site, offsite);
      failures.remove(tags(site));
      Map<String, Instant> known = last;
      if (known != null) {
        known.put(tags(site), b.time());
      }
      return b;
    } catch (RuntimeException e) {
      fail(site, e);
      throw e;
    }
  }

  private Backup backupSite(Caller caller, Site site, boolean offsite) {
    String key = site.name().value();
    return staged(key, dir -> {
      String id = snapshot(caller, site, dir, !offsite);
      if (offsite) { // (a publish's backup first leaves the retention to the night: forget waits for every backup)
        restic.forget(tags(site), schedule.keepLast(), schedule.keepDaily(), schedule.keepWeekly(), schedule.keepMonthly());
      }
      Backup made = list(site).stream().filter(b -> b.id().startsWith(id)).findFirst() // (restic 0.14 prints the short id)
          .orElseThrow(() -> new IllegalStateException("restic wrote snapshot " + id + " of site " + key + " but does not list it"));
      return repos.offsite().filter(o -> offsite).map(o -> made.with(offsite(o, site, dir, true))).orElse(made);
    });
  }

  /**
   * Stages the site into {@code dir} and takes its snapshot; its id (short), once restic wrote it. {@code quickly}:
   * not at all if the repository is held by a check (a publish waits for its backup).
   */
  private String snapshot(Caller caller, Site site, Path dir, boolean quickly) {
    String key = site.name().value();
    content.with(caller, key, (s, r) -> {
      BackupFolder.write(s, r, dir, engine.contents());
      return null;
    });
    restic.ensure();
    List<String> tags = List.of("site:" + key, "born:" + site.createdAt().toEpochMilli());
    String id = quickly ? restic.backupUnlessBusy(dir, tags, java.time.Duration.ofSeconds(10)) : restic.backup(dir, tags);
    log.info("site {} backed up: snapshot {}", key, id);
    return id;
  }

  /**
   * Backs up every site of {@code all} (the nightly run, or an admin's "back up every site now"): each staged and
   * snapshotted, two at a time (and copied off-site), then the retention applied and the snapshots listed once for all, so
   * that a hundred sites cost a hundred restic calls, not three hundred. A site's backup counts once it is listed.
   * What failed, by site name, with what its owner is told.
   */
  public Map<String, String> backupAll(Caller caller, List<Site> all) {
    Map<Site, String> made = new ConcurrentHashMap<>();
    Map<String, String> failed = new ConcurrentSkipListMap<>();
    try (ExecutorService two = Executors.newVirtualThreadPerTaskExecutor()) { // (two at a time: staged's room)
      for (Site site : all) {
        two.submit(() -> {
          try {
            made.put(site, staged(site.name().value(), dir -> {
              String id = snapshot(caller, site, dir, false);
              repos.offsite().ifPresent(o -> offsite(o, site, dir, false));
              return id;
            }));
          } catch (RuntimeException e) {
            failed.put(site.name().value(), fail(site, e));
          }
        });
      }
    }
    if (!made.isEmpty()) {
      repos.offsite().ifPresent(o -> {
        try {
          o.restic().forgetAll(schedule.keepLast(), schedule.keepDaily(), schedule.keepWeekly(), schedule.keepMonthly());
        } catch (RuntimeException e) { // the local backups still count: said as the off-site copies' failure
          Failure f = new Failure(Instant.now(), ErrorIds.shown("the off-site backups' retention", e));
          made.keySet().forEach(site -> offsiteFailures.put(tags(site), f));
          o.restic().unlock();
        }
      });
      try {
        restic.forgetAll(schedule.keepLast(), schedule.keepDaily(), schedule.keepWeekly(), schedule.keepMonthly());
        List<String> listed = restic.snapshots(null).stream().map(Restic.Snapshot::id).toList();
        made.forEach((site, id) -> {
          if (listed.stream().anyMatch(l -> l.startsWith(id))) {
            failures.remove(tags(site));
            Map<String, Instant> known = last;
            if (known != null) {
              known.put(tags(site), Instant.now());
            }
          } else {
            failed.put(site.name().value(), fail(site, new IllegalStateException("restic wrote snapshot " + id + " but does not list it")));
          }
        });
      } catch (RuntimeException e) {
        made.keySet().forEach(site -> failed.put(site.name().value(), fail(site, e)));
      }
    }
    return failed;
  }

  /** Keeps a failed backup of the site for its owner and the admins; what they are told. */
  private String fail(Site site, RuntimeException e) {
    Failure f = new Failure(Instant.now(), ErrorIds.shown("the backup of site " + site.name(), e));
    failures.put(tags(site), f);
    restic.unlock(); // (a restic killed at its time limit leaves its lock)
    return f.message();
  }

  /**
   * Copies the staged backup to the off-site repository too, with the same tags and retention. A failure there is
   * logged and kept for the admins' overview (and the API's answer): the backup in Pier's own repository still counts.
   */
  private String offsite(BackupRepositories.Offsite o, Site site, Path dir, boolean retention) {
    String key = site.name().value();
    try {
      o.restic().ensure();
      String id = o.restic().backup(dir, List.of("site:" + key, "born:" + site.createdAt().toEpochMilli()));
      if (retention) {
        o.restic().forget(tags(site), schedule.keepLast(), schedule.keepDaily(), schedule.keepWeekly(), schedule.keepMonthly());
      }
      offsiteFailures.remove(tags(site));
      log.info("site {} backed up off-site to {}: snapshot {}", key, o.settings().redacted(), id);
      return "copied";
    } catch (RuntimeException e) {
      Failure f = new Failure(Instant.now(), ErrorIds.shown("the off-site copy of site " + key + "'s backup", e));
      offsiteFailures.put(tags(site), f);
      o.restic().unlock();
      return f.message();
    }
  }

  /**
   * Holds (or lets go again) the backups Pier makes by itself, the nightly ones and those before publishes: while a
   * whole Pier is being restored, a site not restored yet must not get a backup of its empty self.
   */
  void hold(boolean on) {
    held = on;
  }

  /** Whether Pier's own backups are held ({@link #hold}). */
  boolean held() {
    return held;
  }

  /**
   * Work on a folder of the host's disk, {@code tmp/backups/NAME}: made empty first, deleted after; one work on a
   * folder at a time, two stagings at a time in all (one within another counts once).
   */
  <T> T staged(String name, StagedWork<T> work) {
    int[] d = depth.get();
    if (d[0] == 0) {
      room.acquireUninterruptibly();
    }
    d[0]++;
    ReentrantLock folder = folders.computeIfAbsent(name, k -> new ReentrantLock());
    folder.lock();
    Path dir = null;
    try {
      dir = staging.resolve(name);
      MoreFiles.deleteRecursively(dir);
      return work.in(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot work in " + dir, e);
    } finally {
      try {
        if (dir != null) {
          MoreFiles.deleteRecursively(dir);
        }
      } finally {
        folder.unlock();
        if (--d[0] == 0) {
          room.release();
        }
      }
    }
  }

  interface StagedWork<T> {
    T in(Path dir) throws IOException;
  }

  /** Restores the snapshot into {@code dir}; the backup's folder there. */
  static Path restoreInto(Restic from, Restic.Snapshot snapshot, Path dir) {
    from.restore(snapshot.id(), dir);
    return dir.resolve(Path.of("/").relativize(Path.of(snapshot.path())).toString());
  }

  /** The backups of site {@code name}, which the caller may see, newest first. */
  public List<Backup> list(Caller caller, String name) {
    return list(sites.get(caller, name));
  }

  private List<Backup> list(Site site) {
    if (!restic.exists()) {
      return List.of();
    }
    restic.ensure();
    return restic.snapshots(tags(site)).stream().map(s -> new Backup(s.id(), site.name().value(), s.time(), null))
        .sorted((a, b) -> b.time().compareTo(a.time())).toList();
  }

  /** The site's snapshot with id {@code id} (or its first 8 characters and more); 404 when it has none. */
  Restic.Snapshot find(Site site, String id) {
    List<Restic.Snapshot> snaps = restic.exists() ? restic.snapshots(tags(site)) : List.of();
    return snaps.stream().filter(s -> s.id().equals(id) || (id.length() >= 8 && s.id().startsWith(id))).findFirst()
        .orElseThrow(() -> PierException.notFound("No such backup", "site " + site.name() + " has no backup \"" + id + "\""));
  }

  /** The snapshot {@code id} of site {@code name}, which the caller may see; 404 when there is none. */
  public Restic.Snapshot find(Caller caller, String name, String id) {
    return find(sites.get(caller, name), id);
  }

  /**
   * Writes backup {@code id} of site {@code name}, which the caller may see, as a .tar.gz on {@code out}:
   * {@code manifest.json}, {@code release/} and {@code data/}, with their modes, times and numeric owners.
   */
  public void archive(Caller caller, String name, String id, OutputStream out) {
    Site site = sites.get(caller, name);
    Restic.Snapshot snapshot = find(site, id);
    if (!downloads.tryAcquire()) {
      throw new PierException(PierException.Kind.TOO_MANY, "Too many downloads", "two backups are being downloaded already:"
          + " try again once one is done", null);
    }
    // Restored while staged (a staging slot held), then sent from a folder of its own: a slow download holds no slot.
    Path sent = staging.resolve(site.name().value() + ".download-" + System.nanoTime());
    try {
      staged(site.name().value() + ".archive", dir -> {
        Files.move(restoreInto(restic, snapshot, dir), sent, StandardCopyOption.ATOMIC_MOVE);
        return null;
      });
      TarGz.write(sent, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send backup " + id + " of site " + site.name(), e);
    } finally {
      MoreFiles.deleteRecursively(sent);
      downloads.release();
    }
  }
}
