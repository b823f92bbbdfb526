package dev.pier.server.backup;

import dev.pier.server.common.Caller;
import dev.pier.server.content.BeforePublish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A site's backup just before each publish ({@code pier.backup.before-publish}), in Pier's own repository (the
 * off-site copy waits for the night). The publish never waits for the backups' weekly check, and goes on when the
 * backup fails: that is logged, and shown to the admins.
 */
@Component
class BackupBeforePublish implements BeforePublish {

  private static final Logger log = LoggerFactory.getLogger(BackupBeforePublish.class);
  private final SiteBackups backups;
  private final BackupProperties schedule;

  BackupBeforePublish(SiteBackups backups, BackupProperties schedule) {
    this.backups = backups;
    this.schedule = schedule;
  }

  /** Before a publish: the site's backup, unless off; a failure is kept and shown, and the publish goes on. */
  @Override
  public void before(Caller caller, String site) {
    if (!schedule.beforePublish() || backups.held()) {
      return;
    }
    if (backups.restic().busyExclusively()) { // a check or a prune, maybe for hours: the publish does not wait for it
      log.warn("site {} is published without a backup first: the backups are being checked", site);
      return;
    }
    try {
      backups.backup(caller, site, false);
    } catch (RuntimeException e) {
      log.warn("site {} is published without a backup first: {}", site, e.getMessage());
    }
  }
}
