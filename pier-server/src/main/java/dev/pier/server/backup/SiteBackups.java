package dev.pier.server.backup;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.content.DirectorySource;
import dev.pier.engine.content.Releases;
import dev.pier.engine.content.WebRoot;
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
import dev.pier.server.site.SiteWish;
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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * snapshot is tagged {@code site:NAME} and {@code born:MILLIS} (when the site was made): a later site of the same name,
 * maybe another user's, never sees an earlier one's backups. One backup, restore or download is staged at a time.
 */
@Service
public class SiteBackups {

  private static final Logger log = LoggerFactory.getLogger(SiteBackups.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final String FORMAT = "pier-site-backup-1";

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

  /** What a restore did: the backup restored (null: an uploaded one), the one made just before it, the release made live. */
  public record Restored(String site, String backup, String before, String release) {}

  private final SiteContent content;
  private final SiteService sites;
  private final ReleaseService releases;
  private final SiteEngine engine;
  private final Restic restic;
  private final Path staging;
  /** One staging at a time, whatever the site: each copies a whole site onto the host's disk. */
  private final Object one = new Object();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final Map<String, Failure> offsiteFailures = new ConcurrentHashMap<>();
  private final BackupRepositories repos;
  private final BackupProperties schedule;
  /** When each site (by its tags) was last backed up, read from the repository once, then kept as backups are made. */
  private volatile Map<String, Instant> last;

  SiteBackups(SiteContent content, SiteService sites, ReleaseService releases, SiteEngine engine, PierProperties props,
      BackupRepositories repos, BackupProperties schedule) {
    this.content = content;
    this.schedule = schedule;
    this.releases = releases;
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
    Site site = sites.get(caller, name);
    try {
      Backup b = backupSite(caller, site);
      failures.remove(tags(site));
      return b;
    } catch (RuntimeException e) {
      failures.put(tags(site), new Failure(Instant.now(), ErrorIds.shown("the backup of site " + site.name(), e)));
      restic.unlock(); // (a restic killed at its time limit leaves its lock)
      throw e;
    }
  }

  private Backup backupSite(Caller caller, Site site) {
    String key = site.name().value();
    return staged(key, dir -> {
      content.with(caller, key, (s, r) -> {
        stage(s, r, dir);
        return null;
      });
      restic.ensure();
      String id = restic.backup(dir, List.of("site:" + key, "born:" + site.createdAt().toEpochMilli()));
      log.info("site {} backed up: snapshot {}", key, id);
      Map<String, Instant> known = last;
      if (known != null) {
        known.put(tags(site), Instant.now());
      }
      restic.forget(tags(site), schedule.keepLast(), schedule.keepDaily(), schedule.keepWeekly(), schedule.keepMonthly());
      Backup made = list(site).stream().filter(b -> b.id().startsWith(id)).findFirst() // (restic 0.14 prints the short id)
          .orElseThrow(() -> new IllegalStateException("restic wrote snapshot " + id + " of site " + key + " but does not list it"));
      return repos.offsite().map(o -> made.with(offsite(o, site, dir))).orElse(made);
    });
  }

  /**
   * Copies the staged backup to the off-site repository too, with the same tags and retention. A failure there is
   * logged and kept for the admins' overview (and the API's answer): the backup in Pier's own repository still counts.
   */
  private String offsite(BackupRepositories.Offsite o, Site site, Path dir) {
    String key = site.name().value();
    try {
      o.restic().ensure();
      String id = o.restic().backup(dir, List.of("site:" + key, "born:" + site.createdAt().toEpochMilli()));
      o.restic().forget(tags(site), schedule.keepLast(), schedule.keepDaily(), schedule.keepWeekly(), schedule.keepMonthly());
      offsiteFailures.remove(tags(site));
      log.info("site {} backed up off-site to {}: snapshot {}", key, o.settings().repository(), id);
      return "copied";
    } catch (RuntimeException e) {
      Failure f = new Failure(Instant.now(), ErrorIds.shown("the off-site copy of site " + key + "'s backup", e));
      offsiteFailures.put(tags(site), f);
      o.restic().unlock();
      return f.message();
    }
  }

  /** Work on a folder of the host's disk, {@code tmp/backups/NAME}: made empty first, deleted after; one at a time. */
  <T> T staged(String name, StagedWork<T> work) {
    synchronized (one) {
      Path dir = staging.resolve(name);
      MoreFiles.deleteRecursively(dir);
      try {
        return work.in(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot work in " + dir, e);
      } finally {
        MoreFiles.deleteRecursively(dir);
      }
    }
  }

  interface StagedWork<T> {
    T in(Path dir) throws IOException;
  }

  /** Restores the snapshot into {@code dir}; the backup's folder there. */
  private static Path restoreInto(Restic from, Restic.Snapshot snapshot, Path dir) {
    from.restore(snapshot.id(), dir);
    return dir.resolve(Path.of("/").relativize(Path.of(snapshot.path())).toString());
  }

  /**
   * Brings {@code site} back from its last backup in {@code from} (a whole Pier restored onto a fresh machine): its
   * release and data, as a restore in place does, without a backup first (there is nothing of it yet). False: none.
   */
  boolean bringBack(Restic from, Site site) {
    List<Restic.Snapshot> snaps = from.snapshots(tags(site));
    if (snaps.isEmpty()) {
      return false;
    }
    Restic.Snapshot snapshot = snaps.get(snaps.size() - 1);
    return staged(site.name().value() + ".restore", dir -> {
      Path root = restoreInto(from, snapshot, dir);
      apply(BackupSchedule.PIER, site.name().value(), root, snapshot.id(), "restore of backup " + snapshot.id().substring(0, 8), false, false);
      return true;
    });
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
    staged(site.name().value() + ".archive", dir -> {
      TarGz.write(restoreInto(restic, snapshot, dir), out);
      return null;
    });
  }

  /**
   * Restores backup {@code id} of site {@code name}, in place ({@code to} null), or into a new site named {@code to},
   * the caller's, on the backup's image and plan (if the caller may use that plan), left stopped; a new site whose
   * restore fails goes again.
   */
  public Restored restore(Caller caller, String name, String id, String to) {
    Site site = sites.get(caller, name);
    Restic.Snapshot snapshot = find(site, id);
    return staged(site.name().value() + ".restore", dir -> {
      Path root = restoreInto(restic, snapshot, dir); // first: the backup made next could make the retention forget it
      JsonNode manifest = BackupArchive.manifest(root);
      String how = "restore of backup " + snapshot.id().substring(0, 8); // (a release says how in 32 characters)
      if (to == null) {
        return apply(caller, site.name().value(), root, snapshot.id(), how, false, true);
      }
      String created = sites.create(caller, to, manifest.path("plan").asString(null), manifest.path("image").asString(null)).name().value();
      try {
        return apply(caller, created, root, snapshot.id(), how, false, false);
      } catch (RuntimeException e) {
        try {
          sites.delete(caller, created);
        } catch (RuntimeException undo) {
          e.addSuppressed(undo);
        }
        throw e;
      }
    });
  }

  /**
   * Restores a backup archive a user uploaded (a download's .tar.gz, from this Pier or another) into site
   * {@code name} in place, after the checks of {@link BackupArchive}; as {@link #restore} does. Its data takes the
   * owner of the site's data folder.
   */
  public Restored restoreArchive(Caller caller, String name, Path archive, long maxBytes, int maxFiles) {
    Site site = sites.get(caller, name);
    return staged(site.name().value() + ".upload", dir -> {
      BackupArchive.unpack(archive, dir, maxBytes, maxFiles);
      return apply(caller, site.name().value(), dir, null, "restore of an uploaded backup", true, true);
    });
  }

  /**
   * Puts a backup's folder ({@code manifest.json}, {@code release/}, {@code data/}) in place of the site's content.
   * Its state just before is backed up first (unless {@code backupFirst} is false: a new site). The release is
   * published first, while the site may still run (a refusal then changes nothing); then a site that is not stopped
   * is stopped, its data swapped for the backup's (kept when the backup has none), and, whatever happened, started
   * again if it was meant to run. With {@code foreign}, the data takes the owner of the site's data folder.
   */
  private Restored apply(Caller caller, String key, Path root, String from, String how, boolean foreign, boolean backupFirst) {
    Backup before = backupFirst ? backup(caller, key) : null;
    String release = null;
    if (Files.isDirectory(root.resolve("release"), LinkOption.NOFOLLOW_LINKS)) {
      release = String.valueOf(releases.publish(caller, key, new DirectorySource(root.resolve("release")), how).id());
    }
    Site now = sites.get(caller, key);
    boolean meantToRun = now.wish() == SiteWish.RUNNING || now.wish() == SiteWish.SLEEPING;
    if (now.state() != SiteState.STOPPED) {
      sites.stop(caller, key);
    }
    try {
      Path data = root.resolve("data");
      if (Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
        content.with(caller, key, (s, r) -> {
          if (engine.isRunning(s.name())) { // started again meanwhile: never swap what a container has mounted
            throw PierException.conflict("Site is running", "site " + key + " was started again during its restore: restore it again");
          }
          DataSwap.swap(r.root(), data, foreign);
          return null;
        });
      }
    } finally {
      if (meantToRun) {
        sites.start(caller, key);
      }
    }
    log.info("site {}: {} restored {} (the state before: {})", key, caller.user(), from == null ? "an uploaded backup" : "backup " + from,
        before == null ? "a new site" : "backup " + before.id());
    return new Restored(key, from, before == null ? null : before.id(), release);
  }

  /** Writes the backup's folder: the manifest, the live release's files, and the data, the site frozen meanwhile. */
  private void stage(Site s, Releases releases, Path dir) {
    try {
      Files.createDirectories(dir);
      WebRoot root = releases.root();
      String live = releases.active().orElse(null);
      if (live != null) {
        MoreFiles.copyTree(root.release(live), dir.resolve("release"));
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
        MoreFiles.copyTree(root.data(), dir.resolve("data"));
        return null;
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the backup of site " + s.name() + " in " + dir, e);
    }
  }
}
