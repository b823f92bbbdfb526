package dev.pier.server.site;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A site as the API shows it. {@code maxBodyBytes} is null when the edge's default applies; {@code dns} (where its name
 * stands in DNS) when Pier keeps none.
 */
public record SiteJson(String name, String owner, String state, String url, String ipv4, String image, String imageVersion, String plan,
    Instant createdAt, String lastError, String restartPolicy, int restarts, String lastExit, boolean httpsOnly, boolean hsts,
    Long maxBodyBytes, Integer sleepAfterSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) String planApplied,
    @JsonInclude(JsonInclude.Include.NON_NULL) String planNote,
    @JsonInclude(JsonInclude.Include.NON_NULL) SiteDns.State dns) {

  static SiteJson of(Site s, String url, SiteDns.State dns) {
    return new SiteJson(s.name().value(), s.owner(), s.state().name(), url, s.ipv4(), s.image(), s.imageVersion(), s.plan(), s.createdAt(),
        s.lastError(), s.restartPolicy().word(), s.restarts(), s.lastExit(), s.web().httpsOnly(), s.web().hsts(), s.web().maxBodyBytes(),
        s.web().sleepAfterSeconds(), null, null, dns);
  }

  /** After a plan change: {@code planApplied} is "now" or "next-start", {@code planNote} says why not now. */
  SiteJson withPlanChange(String applied, String note) {
    return new SiteJson(name, owner, state, url, ipv4, image, imageVersion, plan, createdAt, lastError, restartPolicy, restarts, lastExit,
        httpsOnly, hsts, maxBodyBytes, sleepAfterSeconds, applied, note, dns);
  }
}
