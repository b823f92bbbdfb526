package dev.pier.server.dns;

import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/dns}: the DNS settings in force and every name Pier keeps, with where it stands. Admins only. */
@RestController
@RequestMapping("/api/v1/dns")
class DnsApiController {

  /**
   * @param settings the settings in force ({@code mode} alone when Pier keeps no DNS); never the key's secret
   * @param names    the domain, {@code www} and every site's name, with their records and state
   */
  record DnsView(Map<String, Object> settings, List<NameState> names) {}

  private final DnsService dns;

  DnsApiController(DnsService dns) {
    this.dns = dns;
  }

  @GetMapping
  DnsView view(Authentication auth) {
    requireAdmin(auth);
    return new DnsView(dns.describe(), dns.states());
  }

  static void requireAdmin(Authentication auth) {
    if (!SecurityConfig.caller(auth).admin()) {
      throw PierException.forbidden("Admins only", "only admins see the DNS settings and records");
    }
  }
}
