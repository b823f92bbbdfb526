package dev.pier.server.backup;

import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import dev.pier.server.site.SiteState;
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

  private final BackupOverview overview;
  private final BackupChecks checks;
  private final BackupRepositories repos;
  private final PierBackups pier;
  private final SiteBackups backups;
  private final SiteRepository sites;

  BackupAdminApiController(BackupOverview overview, BackupChecks checks, BackupRepositories repos, PierBackups pier, SiteBackups backups,
      SiteRepository sites) {
    this.backups = backups;
    this.sites = sites;
    this.overview = overview;
    this.checks = checks;
    this.repos = repos;
    this.pier = pier;
  }

  /** Every site's last backup and failures, the repositories, Pier's own backup, the last check. */
  @GetMapping
  BackupOverview.Overview overview(Authentication auth) {
    adminOnly(auth);
    return overview.now();
  }


  /** What an admin's "back up every site now" did: how many sites were backed up, and which failed, saying why. */
  record Run(int backedUp, Map<String, String> failed) {}

  /** Backs up every site now, as the nightly run does: 200, how many, and which failed. */
  @PostMapping("/run")
  Run runNow(Authentication auth) {
    adminOnly(auth);
    List<Site> all = sites.all().stream().filter(s -> s.state() != SiteState.CREATING && s.state() != SiteState.DELETING).toList();
    Map<String, String> failed = backups.backupAll(SecurityConfig.caller(auth), all);
    return new Run(all.size() - failed.size(), failed);
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
