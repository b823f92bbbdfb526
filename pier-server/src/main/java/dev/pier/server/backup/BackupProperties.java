package dev.pier.server.backup;

import java.time.Duration;
import java.time.LocalTime;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sites' backups ({@code pier.backup.*}).
 *
 * @param daily         whether every site is backed up each day
 * @param nightStart    when the nightly window opens (the host's local time)
 * @param night         how long it lasts: each site's time in it comes from its name, so backups are spread over it
 * @param checkInterval how often Pier looks for sites whose backup is due (and whether the backups' check is)
 * @param checkEvery    how often the backups are checked ({@link BackupChecks})
 * @param keepLast      backups kept per site: the last this many, whatever their age, and
 * @param keepDaily     the last of each of this many days,
 * @param keepWeekly    of this many weeks,
 * @param keepMonthly   and of this many months
 * @param repository    Pier's own restic repository (empty: {@code DATA-DIR/backups}); a folder, maybe on a disk of
 *                      its own
 * @param beforePublish whether a site is backed up before each publish (a restore always backs it up first)
 */
@ConfigurationProperties("pier.backup")
public record BackupProperties(boolean daily, LocalTime nightStart, Duration night, Duration checkInterval, Duration checkEvery, int keepLast,
    int keepDaily, int keepWeekly, int keepMonthly, String repository, boolean beforePublish) {

  public BackupProperties {
    if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
      throw new IllegalArgumentException("pier.backup.check-every " + checkEvery + " must be more than 0");
    }
    if (night == null || night.isNegative() || night.isZero() || night.compareTo(Duration.ofHours(24)) > 0) {
      throw new IllegalArgumentException("pier.backup.night " + night + " must be more than 0 and at most 24 h");
    }
    if (keepLast < 1 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
      throw new IllegalArgumentException("pier.backup.keep-last must be 1 or more, keep-daily, keep-weekly and keep-monthly 0 or more");
    }
    if (repository != null && !repository.isBlank() && !repository.startsWith("/")) {
      throw new IllegalArgumentException("pier.backup.repository " + repository + " must be an absolute path (or empty: DATA-DIR/backups)");
    }
  }

  /** The next time of the site's backup after {@code now}. Pure. */
  public java.time.ZonedDateTime next(String site, java.time.ZonedDateTime now) {
    java.time.ZonedDateTime at = now.toLocalDate().atTime(slot(site)).atZone(now.getZone());
    return at.isAfter(now) ? at : at.plusDays(1);
  }

  /** A site's time in the night, from its name: the same every day, spread over the window. Pure. */
  public LocalTime slot(String site) {
    long seconds = Math.floorMod(site.hashCode() * 2654435761L, night.toSeconds());
    return nightStart.plusSeconds(seconds);
  }
}
