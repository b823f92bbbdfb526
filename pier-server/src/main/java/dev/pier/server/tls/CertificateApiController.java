package dev.pier.server.tls;

import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.security.SecurityConfig;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/certificates} (admins only): certificates uploaded for the edge, such as a wildcard for every
 * site, served ahead of Pier's own for the names they carry.
 */
@RestController
@RequestMapping("/api/v1/certificates")
class CertificateApiController {

  /** @param certificate the PEM chain, leaf first; @param key its PEM private key (PKCS#8, or EC/RSA key pairs) */
  record Upload(String certificate, String key) {}

  private final SiteCertificates certificates;
  private final AcmeCertificates acme;

  CertificateApiController(SiteCertificates certificates, AcmeCertificates acme) {
    this.certificates = certificates;
    this.acme = acme;
  }

  /**
   * Where the ACME CA's certificates stand.
   *
   * @param directory the CA's directory URL (null: ACME is off and the internal CA issues every certificate)
   * @param names the panel's name and every site's
   */
  record AcmeView(String directory, List<AcmeCertificates.NameStatus> names) {}

  @GetMapping("/acme")
  AcmeView acme(Authentication auth) {
    requireAdmin(auth);
    return new AcmeView(acme.directory(), acme.enabled() ? acme.statuses() : List.of());
  }

  private static void requireAdmin(Authentication auth) {
    if (!SecurityConfig.caller(auth).admin()) {
      throw PierException.forbidden("Admins only", "only admins manage certificates");
    }
  }

  @GetMapping
  List<SiteCertificates.Uploaded> list(Authentication auth) {
    requireAdmin(auth);
    return certificates.uploaded();
  }

  @PostMapping
  ResponseEntity<SiteCertificates.Uploaded> upload(@RequestBody Upload body, Authentication auth) {
    requireAdmin(auth);
    try {
      return ResponseEntity.status(HttpStatus.CREATED).body(certificates.upload(body == null ? null : body.certificate(),
          body == null ? null : body.key()));
    } catch (IllegalArgumentException e) {
      throw new PierException(Kind.INVALID, "Invalid certificate", e.getMessage(), e);
    }
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable String id, Authentication auth) {
    requireAdmin(auth);
    if (!certificates.removeUploaded(id)) {
      throw new PierException(Kind.NOT_FOUND, "Certificate not found", "no uploaded certificate \"" + id + "\"", null);
    }
    return ResponseEntity.noContent().build();
  }
}
