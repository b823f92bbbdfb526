package dev.pier.server.backup;

import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.config.PierProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backs up Pier itself, tagged {@code pier:self}, into each repository sites' backups go to: its database (H2's own
 * consistent copy, {@code BACKUP TO}), the embedded directory, the internal CA, the certificates and ACME account, the
 * SSH host key, the sites' git repositories, the off-site settings and the password of Pier's own repository. With a
 * site's backups, that is all a fresh machine needs to bring every site back ({@link PierRestore}). Not in it: the
 * sites' disks (their own backups hold what is theirs) and the images (built again at start).
 */
@Component
public class PierBackups {

  static final String TAG = "pier:self";
  static final String FORMAT = "pier-backup-1";
  /** What of the data directory is kept, when there. */
  static final List<String> KEPT = List.of("ldap", "ca", "certs", "acme", "ssh", "git", "backup-offsite", "backup-password", "runtime");
  private static final Logger log = LoggerFactory.getLogger(PierBackups.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A backup of Pier: its snapshot in Pier's own repository, when, and what became of its off-site copy (null: none). */
  public record Made(String id, Instant time, String offsite) {}

  private final SiteBackups sites;
  private final BackupRepositories repos;
  private final Path dataDir;
  private final JdbcClient jdbc;
  private final String url;
  private final BackupProperties keep;
  private volatile SiteBackups.Failure failure;
  private volatile Instant last;

  PierBackups(SiteBackups sites, BackupRepositories repos, PierProperties props, JdbcClient jdbc,
      org.springframework.core.env.Environment env, BackupProperties keep) {
    this.keep = keep;
    this.sites = sites;
    this.repos = repos;
    this.dataDir = props.dataDir();
    this.jdbc = jdbc;
    this.url = env.getProperty("spring.datasource.url", "");
  }

  /** The last failed backup of Pier since its last good one, or null. */
  public SiteBackups.Failure lastFailure() {
    return failure;
  }

  /** When Pier was last backed up, or null: never (or the repository does not open). */
  public Instant lastBackup() {
    Instant known = last;
    if (known == null && repos.local().exists()) {
      try {
        repos.local().ensure();
        known = repos.local().snapshots(TAG).stream().map(Restic.Snapshot::time).max(Instant::compareTo).orElse(null);
        last = known;
      } catch (RuntimeException e) {
        return null;
      }
    }
    return known;
  }

  /** Backs Pier up now, into Pier's own repository and the off-site one. */
  public Made backup() {
    try {
      Made made = sites.staged(".pier", dir -> {
        stage(dir);
        Restic local = repos.local();
        local.ensure();
        String id = local.backup(dir, List.of(TAG));
        local.forget(TAG, keep.keepLast(), keep.keepDaily(), keep.keepWeekly(), keep.keepMonthly());
        String offsite = repos.offsite().map(o -> {
          try {
            o.restic().ensure();
            o.restic().backup(dir, List.of(TAG));
            o.restic().forget(TAG, keep.keepLast(), keep.keepDaily(), keep.keepWeekly(), keep.keepMonthly());
            return "copied";
          } catch (RuntimeException e) {
            o.restic().unlock();
            return ErrorIds.shown("the off-site copy of Pier's backup", e);
          }
        }).orElse(null);
        log.info("Pier backed up: snapshot {}{}", id, offsite == null ? "" : ", off-site: " + offsite);
        return new Made(id, Instant.now(), offsite);
      });
      failure = made.offsite() == null || made.offsite().equals("copied") ? null : new SiteBackups.Failure(made.time(), made.offsite());
      last = made.time();
      return made;
    } catch (RuntimeException e) {
      failure = new SiteBackups.Failure(Instant.now(), ErrorIds.shown("the backup of Pier itself", e));
      repos.local().unlock();
      throw e;
    }
  }

  /** Writes what a backup of Pier holds into {@code dir}: {@code manifest.json}, {@code db/} and the kept folders. */
  private void stage(Path dir) throws IOException {
    Path files = dir.resolve("data");
    Files.createDirectories(files);
    for (String name : KEPT) {
      Path p = dataDir.resolve(name);
      if (Files.isDirectory(p)) {
        MoreFiles.copyTree(p, files.resolve(name));
      } else if (Files.isRegularFile(p)) {
        Files.copy(p, files.resolve(name), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", FORMAT);
    manifest.put("time", Instant.now().toString());
    if (url.startsWith("jdbc:h2:")) {
      Path zip = dir.resolve("db.zip");
      jdbc.sql("BACKUP TO '" + zip.toString().replace("'", "''") + "'").update(); // H2's own consistent copy
      manifest.put("database", "h2");
    } else {
      manifest.put("database", "not included: back up " + url.replaceAll("//[^@/]*@", "//") + " with its own tools (pg_dump)");
    }
    Files.writeString(dir.resolve("manifest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
  }
}
