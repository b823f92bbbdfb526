package dev.pier.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /ca.pem}: the internal CA's certificate, for anyone to download and trust (no login needed). */
@Controller
class CaController {

  private final SiteCertificates certificates;

  CaController(SiteCertificates certificates) {
    this.certificates = certificates;
  }

  @GetMapping("/ca.pem")
  ResponseEntity<byte[]> ca() throws IOException {
    if (!Files.exists(certificates.caPem())) {
      return ResponseEntity.notFound().build();
    }
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("application/x-pem-file"))
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"pier-ca.pem\"")
        .body(Files.readAllBytes(certificates.caPem()));
  }
}
