package dev.pier.server.tls;

import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.web.Flash;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The certificates page (admins only): where the edge's HTTPS certificates come from (the internal CA or an ACME CA,
 * with each name's state, expiry and last error), and the certificates admins uploaded, with a form for another.
 */
@Controller
class CertificatePanelController {

  private final SiteCertificates certificates;
  private final AcmeCertificates acme;

  CertificatePanelController(SiteCertificates certificates, AcmeCertificates acme) {
    this.certificates = certificates;
    this.acme = acme;
  }

  /** A name's ACME state as the page shows it (times as text, in UTC). */
  record AcmeRow(String host, String state, String notAfter, String issuer, int failures, String lastError, String nextAttempt) {}

  record UploadedRow(String id, List<String> names, String notAfter) {}

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private static String utc(Instant at) {
    return at == null ? null : UTC.format(at);
  }

  private static void requireAdmin(Authentication auth) {
    if (!SecurityConfig.caller(auth).admin()) {
      throw PierException.forbidden("Admins only", "only admins manage certificates");
    }
  }

  @GetMapping("/certificates")
  String list(Authentication auth, Model model) {
    requireAdmin(auth);
    model.addAttribute("caller", SecurityConfig.caller(auth));
    model.addAttribute("acmeDirectory", acme.directory());
    model.addAttribute("acmeWildcard", acme.wildcard());
    model.addAttribute("acmeNames", acme.enabled() ? acme.statuses().stream().map(n -> new AcmeRow(n.host(), n.state(), utc(n.notAfter()),
        n.issuer(), n.failures(), n.lastError(), utc(n.nextAttempt()))).toList() : List.of());
    model.addAttribute("uploaded", certificates.uploaded().stream()
        .map(u -> new UploadedRow(u.id(), u.names(), utc(u.notAfter()))).toList());
    return "certificates";
  }

  @PostMapping("/certificates")
  String upload(@RequestParam(defaultValue = "") String certificate, @RequestParam(defaultValue = "") String key, Authentication auth,
      RedirectAttributes flash) {
    requireAdmin(auth);
    try {
      SiteCertificates.Uploaded u = certificates.upload(certificate, key);
      flash.addFlashAttribute("success", "Certificate for " + String.join(", ", u.names()) + " uploaded; it is served from now on.");
    } catch (IllegalArgumentException e) {
      flash.addFlashAttribute("error", Flash.sentence(e.getMessage()));
    }
    return "redirect:/certificates";
  }

  @PostMapping("/certificates/{id}/delete")
  String delete(@PathVariable String id, Authentication auth, RedirectAttributes flash) {
    requireAdmin(auth);
    if (certificates.removeUploaded(id)) {
      flash.addFlashAttribute("success", "Certificate " + id + " removed; its names get Pier's own certificates again.");
    } else {
      flash.addFlashAttribute("error", "No uploaded certificate " + id + ".");
    }
    return "redirect:/certificates";
  }
}
