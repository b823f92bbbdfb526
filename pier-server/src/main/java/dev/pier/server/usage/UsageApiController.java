package dev.pier.server.usage;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.limits.Limits;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/sites/{name}/usage}: a site's resource use, for whoever may see the site. */
@RestController
class UsageApiController {

  /** A site's resource use now and over the last hour. */
  record UsageReport(UsageSampler.Sample now, long diskBytes, Limits limits, List<UsageSampler.Sample> lastHour) {}

  private final SiteService sites;
  private final UsageSampler sampler;
  private final SiteEngine engine;

  UsageApiController(SiteService sites, UsageSampler sampler, SiteEngine engine) {
    this.sites = sites;
    this.sampler = sampler;
    this.engine = engine;
  }

  /**
   * The site's resource use: {@code now} (null when it does not run; {@code cpuCores} is null until two samples
   * exist), {@code diskBytes} of its own layer, its {@code limits}, and {@code lastHour} of samples.
   */
  @GetMapping("/api/v1/sites/{name}/usage")
  UsageReport usage(@PathVariable String name, Authentication auth) {
    Site s = sites.get(SecurityConfig.caller(auth), name);
    UsageSampler.Sample now = sampler.peek(s.name(), Instant.now()).orElse(null);
    return new UsageReport(now, engine.diskUsage(s.name()), sites.limits(s), sampler.history(s.name()));
  }
}
