package dev.pier.server.backup;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.content.DirectorySource;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.config.PierProperties;
import dev.pier.server.content.Release;
import dev.pier.server.content.ReleaseService;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteContent;
import dev.pier.server.site.SiteService;
import dev.pier.server.site.SiteWish;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Restores sites from their backups ({@link SiteBackups}): in place, into a new site, from an uploaded archive, or,
 * after a whole Pier was restored, from the last backup in the repository it came from. Each is the site's one
 * change of its releases meanwhile ({@link ReleaseService#serialised}): a publish waits for it, and it for a publish.
 */
@Service
public class SiteRestores {

  private static final Logger log = LoggerFactory.getLogger(SiteRestores.class);

  /** What a restore did: the backup restored (null: an uploaded one), the one made just before it, the release made live. */
  public record Restored(String site, String backup, String before, String release) {}

  private final SiteBackups backups;
  private final SiteContent content;
  private final SiteService sites;
  private final ReleaseService releases;
  private final SiteEngine engine;
  private final Path journals;

  SiteRestores(SiteBackups backups, SiteContent content, SiteService sites, ReleaseService releases, SiteEngine engine,
      PierProperties props) {
    this.journals = props.dataDir().resolve("restores");
    this.backups = backups;
    this.content = content;
    this.sites = sites;
    this.releases = releases;
    this.engine = engine;
  }

  /**
   * Brings {@code site} back from its last backup in {@code from} made {@code before} the whole Pier was restored onto
   * a fresh machine: its release and data, as a restore in place does, without a backup first (there is nothing of it
   * yet). False: none.
   */
  boolean bringBack(Restic from, Site site, java.time.Instant before) {
    List<Restic.Snapshot> snaps = from.snapshots(SiteBackups.tags(site)).stream().filter(s -> s.time().isBefore(before)).toList();
    if (snaps.isEmpty()) {
      return false;
    }
    Restic.Snapshot snapshot = snaps.get(snaps.size() - 1);
    return releases.serialised(site.name().value(), () -> backups.staged(site.name().value() + ".restore", dir -> {
      Path root = SiteBackups.restoreInto(from, snapshot, dir);
      apply(BackupSchedule.PIER, site.name().value(), root, snapshot.id(), "restore of backup " + snapshot.id().substring(0, 8), false, false);
      return true;
    }));
  }

  /**
   * Restores backup {@code id} of site {@code name}, in place ({@code to} null), or into a new site named {@code to},
   * the caller's, on the backup's image and plan (if the caller may use that plan), left stopped; a new site whose
   * restore fails goes again.
   */
  public Restored restore(Caller caller, String name, String id, String to) {
    Site site = sites.get(caller, name);
    Restic.Snapshot snapshot = backups.find(site, id);
    // the site changed (in place, or the new one) first, then the staging: the order a publish's backup takes them
    return releases.serialised(to == null ? name : to, () -> backups.staged(site.name().value() + ".restore", dir -> {
      Path root = SiteBackups.restoreInto(backups.restic(), snapshot, dir); // first: the backup made next could make the retention forget it
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
    }));
  }

  /**
   * Restores a backup archive a user uploaded (a download's .tar.gz, from this Pier or another) into site
   * {@code name} in place, after the checks of {@link BackupArchive}; as {@link #restore} does. Its data takes the
   * owner of the site's data folder.
   */
  public Restored restoreArchive(Caller caller, String name, Path archive, long maxBytes, int maxFiles) {
    Site site = sites.get(caller, name);
    return releases.serialised(name, () -> backups.staged(site.name().value() + ".upload", dir -> {
      BackupArchive.unpack(archive, dir, maxBytes, maxFiles);
      return apply(caller, site.name().value(), dir, null, "restore of an uploaded backup", true, true);
    }));
  }

  /**
   * Puts a backup's folder ({@code manifest.json}, {@code release/}, {@code data/}) in place of the site's content.
   * Its state just before is backed up first (unless {@code backupFirst} is false: a new site). The release is
   * published first, while the site may still run (a refusal then changes nothing); then a site that is not stopped
   * is stopped, its data swapped for the backup's (kept when the backup has none), and, whatever happened, started
   * again if it was meant to run. With {@code foreign}, the data takes the owner of the site's data folder. Whole or
   * not at all: until the data swap is made, a failure puts the release live before back, and so does the next start
   * of Pier after a crash ({@link #recover}), from the journal kept meanwhile.
   */
  private Restored apply(Caller caller, String key, Path root, String from, String how, boolean foreign, boolean backupFirst) {
    SiteBackups.Backup before = backupFirst ? backups.backup(caller, key) : null;
    Site now = sites.get(caller, key);
    boolean meantToRun = now.wish() == SiteWish.RUNNING || now.wish() == SiteWish.SLEEPING;
    Long previous = releases.list(caller, key).stream().filter(Release::active).map(Release::id).findFirst().orElse(null);
    Journal journal = new Journal(key, previous, meantToRun, Journal.PUBLISHING);
    journal.write(journals);
    String release = null;
    boolean settled = false;
    try {
      if (Files.isDirectory(root.resolve("release"), LinkOption.NOFOLLOW_LINKS)) {
        release = String.valueOf(releases.publishRestored(caller, key, new DirectorySource(root.resolve("release")), how).id());
      }
      journal.at(Journal.STOPPING).write(journals);
      sites.stopAtOnce(caller, key); // (no grace: what it would still write is replaced anyway; its wish: stopped)
      Path data = root.resolve("data");
      if (Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
        content.with(caller, key, (s, r) -> {
          if (engine.isRunning(s.name())) { // started again meanwhile: never swap what a container has mounted
            throw PierException.conflict("Site is running", "site " + key + " was started again during its restore: restore it again");
          }
          DataSwap.swap(r.root(), data, foreign, () -> journal.at(Journal.SWAPPING).write(journals),
              () -> journal.at(Journal.SWAPPED).write(journals));
          return null;
        });
      }
    } catch (RuntimeException e) {
      try {
        undo(caller, Journal.read(journals, key));
        settled = true;
      } catch (RuntimeException | IOException undo) {
        e.addSuppressed(undo);
      }
      startAgain(caller, key, meantToRun && settled, settled, e);
      throw e;
    }
    startAgain(caller, key, meantToRun, true, null);
    log.info("site {}: {} restored {} (the state before: {})", key, caller.user(), from == null ? "an uploaded backup" : "backup " + from,
        before == null ? "a new site" : "backup " + before.id());
    return new Restored(key, from, before == null ? null : before.id(), release);
  }

  /**
   * Starts the site again if {@code start} (it ran, and its content is whole: restored, or undone), then lets the
   * journal go if {@code settled}. A failure to start is the restore's own error's companion when there is one.
   */
  private void startAgain(Caller caller, String key, boolean start, boolean settled, RuntimeException failed) {
    try {
      if (start) {
        sites.start(caller, key);
      }
    } catch (RuntimeException e) {
      if (failed == null) {
        throw e;
      }
      failed.addSuppressed(e);
    } finally {
      if (settled) {
        Journal.delete(journals, key);
      }
    }
  }

  /**
   * What a restore cut short left, undone: a data swap not made is undone and the release live before goes live
   * again; a swap made is finished (the restore is whole). True when the restore was whole.
   */
  private boolean undo(Caller caller, Journal j) {
    if (j.phase().equals(Journal.SWAPPED)) {
      content.with(caller, j.site(), (s, r) -> {
        DataSwap.finish(r.root());
        return null;
      });
      return true;
    }
    if (!j.phase().equals(Journal.PUBLISHING)) { // (stopping: only a copy beside the data may be left)
      content.with(caller, j.site(), (s, r) -> {
        DataSwap.undo(r.root(), j.phase().equals(Journal.SWAPPING));
        return null;
      });
    }
    List<Release> all = releases.list(caller, j.site());
    boolean live = all.stream().anyMatch(rel -> rel.active() && Long.valueOf(rel.id()).equals(j.previous()));
    boolean kept = all.stream().anyMatch(rel -> Long.valueOf(rel.id()).equals(j.previous()));
    if (j.previous() != null && !live && kept) {
      releases.activate(caller, j.site(), j.previous());
    } else if (j.previous() != null && !kept) {
      log.warn("site {}: the release live before its restore ({}) is gone: the restored one stays live", j.site(), j.previous());
    }
    return false;
  }

  /**
   * At start: each restore a stop of Pier cut short (its journal left in {@code DATA-DIR/restores}) is undone, or
   * finished when its data swap was made; the site started again if it ran before. A site gone meanwhile: nothing.
   */
  @EventListener(ApplicationReadyEvent.class)
  void recover() {
    for (Journal found : Journal.all(journals)) {
      String site = found.site();
      try {
        sites.get(BackupSchedule.PIER, site);
      } catch (PierException gone) {
        log.warn("site {}: its restore was cut short by a stop of Pier, and it is gone since", site);
        Journal.delete(journals, site);
        continue;
      }
      try {
        releases.serialised(site, () -> {
          Journal j; // read again under the site's lock: a restore may have ended meanwhile
          try {
            j = Journal.read(journals, site);
          } catch (IOException gone) {
            return null;
          }
          boolean whole = undo(BackupSchedule.PIER, j);
          log.warn("site {}: its restore was cut short by a stop of Pier; {}", site, whole ? "it was whole: finished"
              : "undone: the release and data before it are back");
          try {
            if (j.meantToRun()) {
              sites.start(BackupSchedule.PIER, site);
            }
          } catch (RuntimeException e) { // (its wish is to run: the supervisor tries again)
            log.error("site {} could not be started again after its restore was undone: {}", site, e.getMessage());
          } finally {
            Journal.delete(journals, site); // (once started: the journal's end says the site is as it was)
          }
          return null;
        });
      } catch (RuntimeException e) {
        log.error("site {}: its restore was cut short by a stop of Pier, and undoing it failed (tried again at the next start)", site, e);
      }
    }
  }
}
