package dev.pier.server.backup;

import dev.pier.server.common.Caller;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import dev.pier.server.site.SiteState;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Backs every site up once a day, at its time in the night ({@link BackupProperties#slot}); a site whose time passed
 * today without a backup (Pier was down then, or the site is new) is backed up at the next look. Pier itself
 * ({@link PierBackups}) is backed up the same way, first.
 */
@Component
class BackupSchedule {

  private static final Logger log = LoggerFactory.getLogger(BackupSchedule.class);
  static final Caller PIER = new Caller("pier", true);
  /** Pier's own backup's time in the night: a name no site can have. */
  static final String PIER_SLOT = ".pier";
  /** How long a site whose backup failed waits for the next attempt. */
  static final java.time.Duration RETRY = java.time.Duration.ofHours(1);

  private final BackupProperties props;
  private final SiteRepository repo;
  private final SiteBackups backups;
  private final PierBackups pier;
  private final Clock clock = Clock.systemDefaultZone();

  BackupSchedule(BackupProperties props, SiteRepository repo, SiteBackups backups, PierBackups pier) {
    this.pier = pier;
    this.props = props;
    this.repo = repo;
    this.backups = backups;
  }

  @Scheduled(fixedDelayString = "${pier.backup.check-interval}", initialDelayString = "${pier.backup.check-interval}")
  void run() {
    if (!props.daily() || backups.held()) {
      return; // (held: a whole Pier is being restored)
    }
    ZonedDateTime now = ZonedDateTime.now(clock);
    Instant pierLast = pier.lastBackup();
    SiteBackups.Failure pierFailed = pier.lastFailure();
    if ((pierLast == null || pierLast.isBefore(due(now, PIER_SLOT)))
        && (pierFailed == null || pierFailed.time().plus(RETRY).isBefore(now.toInstant()))) {
      try {
        pier.backup();
      } catch (RuntimeException e) {
        log.warn("the daily backup of Pier itself failed: {}", e.getMessage());
      }
    }
    List<Site> due = new ArrayList<>();
    for (Site s : repo.all()) {
      if (s.state() == SiteState.CREATING || s.state() == SiteState.DELETING) {
        continue;
      }
      Instant last = backups.lastBackup(s);
      if (last != null && !last.isBefore(due(now, s.name().value()))) {
        continue;
      }
      SiteBackups.Failure failed = backups.lastFailure(s);
      if (failed != null && failed.time().plus(RETRY).isAfter(now.toInstant())) {
        continue; // tried lately: not again at every look
      }
      due.add(s);
    }
    if (!due.isEmpty()) {
      backups.backupAll(PIER, due).forEach((site, why) -> log.warn("the daily backup of site {} failed: {}", site, why));
    }
  }

  /** When the site's backup of the last night was due: its slot today, or yesterday's when today's is to come. */
  Instant due(ZonedDateTime now, String site) {
    LocalDateTime today = LocalDateTime.of(LocalDate.from(now), props.slot(site));
    ZonedDateTime at = today.atZone(now.getZone());
    return (at.isAfter(now) ? at.minusDays(1) : at).toInstant();
  }
}
