package dev.pier.server.site;

import dev.pier.server.common.Caller;
import dev.pier.server.common.Grantee;
import dev.pier.server.common.PierException;
import dev.pier.server.plan.PlanGrants;
import dev.pier.server.security.SecurityConfig;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/quotas}: each user reads their own ({@code /mine}: the quota, what they use of it, the plans they may
 * use); admins read and set everyone's, by grantee ({@code everyone}, {@code user:NAME}, {@code group:NAME}).
 */
@RestController
@RequestMapping("/api/v1/quotas")
class QuotaApiController {

  /** A quota as sent: every limit must be given (a forgotten one is no 0 that locks users out). */
  record QuotaValues(Integer maxSites, Long maxDiskBytes, Integer maxCreatesPerDay) {}

  /** A user's quota (null: none, as for admins), their use of it, and the plans they may put sites on. */
  record Mine(Quota quota, Quotas.Usage usage, Set<String> plans) {}

  private final Quotas quotas;
  private final PlanGrants grants;

  QuotaApiController(Quotas quotas, PlanGrants grants) {
    this.quotas = quotas;
    this.grants = grants;
  }

  @GetMapping("/mine")
  Mine mine(Authentication auth) {
    Caller caller = SecurityConfig.caller(auth);
    return new Mine(quotas.of(caller).orElse(null), quotas.usage(caller.user()), grants.usable(caller));
  }

  @GetMapping
  Map<String, Quota> all(Authentication auth) {
    if (!SecurityConfig.caller(auth).admin()) {
      throw PierException.forbidden("Admins only", "only admins read everyone's quotas: GET /api/v1/quotas/mine for yours");
    }
    return quotas.all();
  }

  @PutMapping("/{grantee}")
  Quota set(@PathVariable String grantee, @RequestBody QuotaValues values, Authentication auth) {
    if (values == null || values.maxSites() == null || values.maxDiskBytes() == null || values.maxCreatesPerDay() == null) {
      throw PierException.invalid("Invalid quota", "give all three limits: maxSites, maxDiskBytes and maxCreatesPerDay");
    }
    Quota quota;
    try {
      quota = new Quota(values.maxSites(), values.maxDiskBytes(), values.maxCreatesPerDay());
    } catch (IllegalArgumentException e) {
      throw PierException.invalid("Invalid quota", e);
    }
    quotas.set(SecurityConfig.caller(auth), Grantee.parse(grantee), quota);
    return quota;
  }

  @DeleteMapping("/{grantee}")
  ResponseEntity<Void> remove(@PathVariable String grantee, Authentication auth) {
    if (!quotas.remove(SecurityConfig.caller(auth), Grantee.parse(grantee))) {
      throw PierException.notFound("Quota not found", "there is no quota for " + grantee);
    }
    return ResponseEntity.noContent().build();
  }
}
