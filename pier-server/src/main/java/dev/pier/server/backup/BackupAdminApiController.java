package dev.pier.server.backup;

import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Every site's backups at a glance, and their check, {@code /api/v1/backups}: admins only. */
@RestController
@RequestMapping("/api/v1/backups")
class BackupAdminApiController {

  /** A site whose last good backup is older than this (or that has none and is older) is flagged. */
  static final Duration STALE = Duration.ofDays(2);

  /**
   * One site's backups: its last good one, its last failure since then, whether it is flagged (no good backup for
   * {@link #STALE}), and when the next daily one is due (null: daily backups are off).
   */
  record SiteRow(String site, String owner, Instant lastBackup, SiteBackups.Failure lastFailure, SiteBackups.Failure offsiteFailure,
      boolean stale, Instant nextBackup) {}

  /** The repository, the bytes it takes (null: it does not open, {@code problem} says why), its last check, every site. */
  record Overview(String repository, Long bytes, String problem, Map<String, Object> offsite, PierRow pier,
      BackupChecks.Result lastCheck, List<SiteRow> sites) {}

  /** Pier's own backup: its last good one, its last failure since, and the next daily one (null: off). */
  record PierRow(Instant lastBackup, SiteBackups.Failure lastFailure, boolean stale, Instant nextBackup) {}

  private final SiteBackups backups;
  private final BackupChecks checks;
  private final SiteRepository repo;
  private final BackupProperties schedule;
  private final BackupRepositories repos;
  private final PierBackups pier;

  BackupAdminApiController(SiteBackups backups, BackupChecks checks, SiteRepository repo, BackupProperties schedule,
      BackupRepositories repos, PierBackups pier) {
    this.pier = pier;
    this.repos = repos;
    this.backups = backups;
    this.checks = checks;
    this.repo = repo;
    this.schedule = schedule;
  }

  @GetMapping
  Overview overview(Authentication auth) {
    adminOnly(auth);
    Instant now = Instant.now();
    ZonedDateTime zoned = ZonedDateTime.now();
    List<SiteRow> rows = repo.all().stream().map(s -> row(s, now, zoned)).toList();
    Long bytes = null;
    String problem = null;
    try {
      backups.restic().ensure();
      bytes = backups.restic().size();
    } catch (RuntimeException e) {
      problem = ErrorIds.shown("the backup repository", e);
    }
    Instant pierLast = pier.lastBackup();
    PierRow self = new PierRow(pierLast, pier.lastFailure(), pierLast == null || pierLast.plus(STALE).isBefore(now),
        schedule.daily() ? schedule.next(BackupSchedule.PIER_SLOT, zoned).toInstant() : null);
    return new Overview(backups.restic().repository(), bytes, problem, offsite(auth), self, checks.last(), rows);
  }

  private SiteRow row(Site s, Instant now, ZonedDateTime zoned) {
    String name = s.name().value();
    Instant last = backups.lastBackup(s);
    Instant since = last != null ? last : s.createdAt();
    boolean stale = since.plus(STALE).isBefore(now);
    Instant next = schedule.daily() ? schedule.next(name, zoned).toInstant() : null;
    return new SiteRow(name, s.owner(), last, backups.lastFailure(s), backups.lastOffsiteFailure(s), stale, next);
  }

  /** Backs Pier itself up now (its database, directory, CA, keys and certificates): 201, the backup. */
  @PostMapping("/pier")
  ResponseEntity<PierBackups.Made> backupPier(Authentication auth) {
    adminOnly(auth);
    return ResponseEntity.status(201).body(pier.backup());
  }

  /** The off-site repository backups also go to (never its password, key or credentials' values), or null: none. */
  @GetMapping("/offsite")
  Map<String, Object> offsite(Authentication auth) {
    adminOnly(auth);
    return repos.offsite().map(o -> o.settings().shown()).orElse(null);
  }

  /**
   * Sends backups off-site too, to the restic repository in the body ({@link OffsiteSettings}): opened with its
   * password, or made when nothing is there. 200 with what is kept; 400 when it does not open (nothing changed).
   */
  @PutMapping("/offsite")
  Map<String, Object> setOffsite(Authentication auth, @RequestBody OffsiteSettings settings) {
    adminOnly(auth);
    return repos.setOffsite(settings).settings().shown();
  }

  /** Backups no longer go off-site; what is there stays. */
  @DeleteMapping("/offsite")
  ResponseEntity<Void> removeOffsite(Authentication auth) {
    adminOnly(auth);
    repos.removeOffsite();
    return ResponseEntity.noContent().build();
  }

  /** Checks the backups now: restic's check and a test restore of one site; the result. */
  @PostMapping("/check")
  BackupChecks.Result check(Authentication auth) {
    adminOnly(auth);
    return checks.check();
  }

  private static void adminOnly(Authentication auth) {
    if (!SecurityConfig.caller(auth).admin()) {
      throw PierException.forbidden("Admins only", "only admins see every site's backups: GET /api/v1/sites/NAME/backups for yours");
    }
  }
}
