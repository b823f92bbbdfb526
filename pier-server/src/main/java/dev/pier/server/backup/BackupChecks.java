package dev.pier.server.backup;

import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks that backups can be read back, weekly ({@code pier.backup.check-every}) and when an admin asks: the
 * repository pruned, restic's check of it reading a tenth of its data, and a test restore of one site's last backup
 * (each site in turn) into a scratch folder, compared with what the snapshot lists. The last result is kept in
 * {@code DATA-DIR/backups-checked.json}.
 */
@Component
public class BackupChecks {

  private static final Logger log = LoggerFactory.getLogger(BackupChecks.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A check's result: when, whether it passed, what failed, and which site was restored for it. */
  public record Result(Instant time, boolean ok, String problem, String restoredSite) {}

  private final SiteBackups backups;
  private final SiteRepository repo;
  private final Path record;
  private final Path scratch;
  private final Duration every;

  BackupChecks(SiteBackups backups, SiteRepository repo, PierProperties props, BackupProperties schedule) {
    this.backups = backups;
    this.repo = repo;
    this.record = props.dataDir().resolve("backups-checked.json");
    this.scratch = props.dataDir().resolve("tmp").resolve("backup-check");
    this.every = schedule.checkEvery();
  }

  /** The last check's result, or null: none yet. */
  public Result last() {
    try {
      return Files.exists(record) ? JSON.readValue(Files.readString(record), Result.class) : null;
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read {}: {}", record, e.getMessage());
      return null;
    }
  }

  @Scheduled(fixedDelayString = "${pier.backup.check-interval}", initialDelayString = "${pier.backup.check-interval}")
  void weekly() {
    Result last = last();
    if (!backups.restic().exists() || (last != null && last.time().plus(every).isAfter(Instant.now()))) {
      return;
    }
    check();
  }

  /**
   * Checks now; the result, also kept as the last one. First what forgotten backups alone used is freed (prune),
   * then restic checks the repository (and the off-site one, reading less of it), then one site's last backup is restored: the site after the one the last
   * check restored, in name order, so that each site has its turn across restarts.
   */
  public synchronized Result check() {
    Restic restic = backups.restic();
    String problem;
    String restored = null;
    try {
      restic.prune();
      problem = restic.check("10%");
    } catch (RuntimeException e) {
      problem = e.getMessage();
    }
    if (problem == null) { // the off-site repository too: pruned, and checked reading a smaller share (it is far)
      problem = backups.offsiteRestic().map(o -> {
        try {
          o.prune();
          String said = o.check("2%");
          return said == null ? null : "off-site: " + said;
        } catch (RuntimeException e) {
          return "off-site: " + e.getMessage();
        }
      }).orElse(null);
    }
    if (problem == null) {
      List<Site> sites = repo.all().stream().filter(s -> backups.lastBackup(s) != null)
          .sorted(Comparator.comparing(s -> s.name().value())).toList();
      if (!sites.isEmpty()) {
        Result previous = last();
        String after = previous == null ? null : previous.restoredSite();
        Site next = sites.stream().filter(s -> after == null || s.name().value().compareTo(after) > 0).findFirst().orElse(sites.getFirst());
        restored = next.name().value();
        problem = testRestore(next);
      }
    }
    if (problem != null) { // restic's words name paths: in the log under an id, the id in what admins see
      problem = ErrorIds.shown("the check of the backups", new IllegalStateException(problem));
      restic.unlock();
    }
    Result r = new Result(Instant.now(), problem == null, problem, restored);
    if (r.ok()) {
      log.info("backups checked: the repository is sound{}", restored == null ? "" : " and site " + restored + "'s last backup restores");
    }
    MoreFiles.writeAtomically(record, JSON.writeValueAsString(r));
    return r;
  }

  /** Restores the site's last backup into the scratch folder and compares it with the snapshot's list; the fault, or null. */
  private String testRestore(Site s) {
    String site = s.name().value();
    Restic restic = backups.restic();
    List<Restic.Snapshot> snaps = restic.snapshots(SiteBackups.tags(s));
    if (snaps.isEmpty()) {
      return null;
    }
    Restic.Snapshot last = snaps.getLast();
    MoreFiles.deleteRecursively(scratch);
    try {
      restic.restore(last.id(), scratch);
      Path root = scratch.resolve(Path.of("/").relativize(Path.of(last.path())).toString());
      JsonNode manifest = JSON.readTree(Files.readString(root.resolve("manifest.json")));
      if (!manifest.path("format").asString().equals(BackupFolder.FORMAT) || !manifest.path("site").asString().equals(site)) {
        return "the last backup of site " + site + " (" + last.id().substring(0, 8) + ") holds no manifest of it";
      }
      long listed = restic.files(last.id());
      long found = count(scratch);
      if (found != listed) {
        return "the last backup of site " + site + " (" + last.id().substring(0, 8) + ") restored " + found + " files and folders of the "
            + listed + " it lists";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "the last backup of site " + site + " (" + last.id().substring(0, 8) + ") does not restore: " + e.getMessage();
    } finally {
      MoreFiles.deleteRecursively(scratch);
    }
  }

  /** Files, folders and links under {@code dir}, itself left out (restic lists the snapshot's folders from its root). */
  private static long count(Path dir) throws IOException {
    AtomicLong n = new AtomicLong();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
        if (!d.equals(dir)) {
          n.incrementAndGet();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
        n.incrementAndGet();
        return FileVisitResult.CONTINUE;
      }
    });
    return n.get();
  }
}
