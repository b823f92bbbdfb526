package dev.pier.server.backup;

import dev.pier.server.common.ErrorIds;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Every site's backups at a glance, for the admins' API and page. */
@Component
public class BackupOverview {

  /** A site whose last good backup is older than this (or that has none and is older) is flagged. */
  static final Duration STALE = Duration.ofDays(2);

  /**
   * One site's backups: its last good one, its last failure since then (and of its off-site copy), whether it is
   * flagged (no good backup for {@link #STALE}), and when the next daily one is due (null: daily backups are off).
   */
  public record SiteRow(String site, String owner, Instant lastBackup, SiteBackups.Failure lastFailure, SiteBackups.Failure offsiteFailure,
      boolean stale, Instant nextBackup) {}

  /**
   * Pier's own repository, the bytes it takes (null: it does not open, {@code problem} says why), the off-site
   * repository (null: none), Pier's own backup, the last check, every site.
   */
  public record Overview(String repository, Long bytes, String problem, Map<String, Object> offsite, PierRow pier,
      BackupChecks.Result lastCheck, List<SiteRow> sites) {}

  /** Pier's own backup: its last good one, its last failure since, whether flagged, and the next daily one (null: off). */
  public record PierRow(Instant lastBackup, SiteBackups.Failure lastFailure, boolean stale, Instant nextBackup) {}

  private final SiteBackups backups;
  private final BackupChecks checks;
  private final SiteRepository repo;
  private final BackupProperties schedule;
  private final BackupRepositories repos;
  private final PierBackups pier;

  BackupOverview(SiteBackups backups, BackupChecks checks, SiteRepository repo, BackupProperties schedule, BackupRepositories repos,
      PierBackups pier) {
    this.backups = backups;
    this.checks = checks;
    this.repo = repo;
    this.schedule = schedule;
    this.repos = repos;
    this.pier = pier;
  }

  /** The overview as it is now. */
  public Overview now() {
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
    return new Overview(backups.restic().repository(), bytes, problem, repos.offsite().map(o -> o.settings().shown()).orElse(null), self,
        checks.last(), rows);
  }

  private SiteRow row(Site s, Instant now, ZonedDateTime zoned) {
    String name = s.name().value();
    Instant last = backups.lastBackup(s);
    Instant since = last != null ? last : s.createdAt();
    boolean stale = since.plus(STALE).isBefore(now);
    Instant next = schedule.daily() ? schedule.next(name, zoned).toInstant() : null;
    return new SiteRow(name, s.owner(), last, backups.lastFailure(s), backups.lastOffsiteFailure(s), stale, next);
  }
}
