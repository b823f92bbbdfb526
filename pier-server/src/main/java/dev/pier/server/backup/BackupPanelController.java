package dev.pier.server.backup;

import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.web.Flash;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The admins' backups page: every site's last backup, failures and flags, the repositories and their size, Pier's own
 * backup, the last check and the next runs; "Check now" and "Back up Pier now".
 */
@Controller
class BackupPanelController {

  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final BackupOverview overview;
  private final BackupChecks checks;
  private final PierBackups pier;

  BackupPanelController(BackupOverview overview, BackupChecks checks, PierBackups pier) {
    this.overview = overview;
    this.checks = checks;
    this.pier = pier;
  }

  /** A time as the page shows it; "never" for none. */
  static String utc(Instant at) {
    return at == null ? "never" : UTC.format(at);
  }

  /** A size in bytes as the page shows it. */
  static String size(Long bytes) {
    if (bytes == null) {
      return "unknown";
    }
    return bytes < 1 << 20 ? (bytes / 1024) + " KiB" : String.format("%.1f MiB", bytes / 1048576.0);
  }

  /** A site's row on the page. */
  record Row(String site, String owner, String lastBackup, String failure, String offsiteFailure, boolean stale, String next) {}

  @GetMapping("/backups")
  String page(Authentication auth, Model model) {
    requireAdmin(auth);
    BackupOverview.Overview o = overview.now();
    model.addAttribute("caller", SecurityConfig.caller(auth));
    model.addAttribute("o", o);
    model.addAttribute("size", size(o.bytes()));
    model.addAttribute("pierLast", utc(o.pier().lastBackup()));
    model.addAttribute("pierFailure", o.pier().lastFailure() == null ? null : o.pier().lastFailure().message());
    model.addAttribute("pierNext", o.pier().nextBackup() == null ? "none (daily backups are off)" : utc(o.pier().nextBackup()));
    BackupChecks.Result c = o.lastCheck();
    model.addAttribute("check", c == null ? "never" : utc(c.time()) + (c.ok() ? ": passed" + (c.restoredSite() == null ? "" : ", site "
        + c.restoredSite() + " restored whole") : ": FAILED, " + c.problem()));
    model.addAttribute("checkOk", c == null || c.ok());
    model.addAttribute("rows", o.sites().stream().map(r -> new Row(r.site(), r.owner(), utc(r.lastBackup()),
        r.lastFailure() == null ? null : utc(r.lastFailure().time()) + ": " + r.lastFailure().message(),
        r.offsiteFailure() == null ? null : utc(r.offsiteFailure().time()) + ": " + r.offsiteFailure().message(), r.stale(),
        r.nextBackup() == null ? "off" : utc(r.nextBackup()))).toList());
    return "backups";
  }

  @PostMapping("/backups/check")
  String check(Authentication auth, RedirectAttributes flash) {
    requireAdmin(auth);
    BackupChecks.Result r = checks.check();
    if (r.ok()) {
      flash.addFlashAttribute("success", "The backups passed their check" + (r.restoredSite() == null ? "." : ", and site "
          + r.restoredSite() + "'s last backup restored whole."));
    } else {
      flash.addFlashAttribute("error", Flash.sentence("the backups' check failed: " + r.problem()));
    }
    return "redirect:/backups";
  }

  @PostMapping("/backups/pier")
  String backupPier(Authentication auth, RedirectAttributes flash) {
    requireAdmin(auth);
    try {
      PierBackups.Made m = pier.backup();
      flash.addFlashAttribute("success", "Pier itself backed up (" + m.id().substring(0, 8) + ")"
          + (m.offsite() == null ? "." : m.offsite().equals("copied") ? ", and copied off-site." : "; its off-site copy failed: " + m.offsite()));
    } catch (RuntimeException e) {
      flash.addFlashAttribute("error", Flash.sentence(ErrorIds.shown("the backup of Pier itself", e)));
    }
    return "redirect:/backups";
  }

  private static void requireAdmin(Authentication auth) {
    if (!SecurityConfig.caller(auth).admin()) {
      throw PierException.forbidden("Admins only", "only admins see every site's backups");
    }
  }
}
