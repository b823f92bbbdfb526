package dev.pier.server.api;

import dev.pier.server.site.Site;
import java.time.Instant;

/** A site as the API shows it. */
public record SiteJson(String name, String owner, String state, String url, String ipv4, String image, Instant createdAt, String lastError) {

  static SiteJson of(Site s, String url) {
    return new SiteJson(s.name().value(), s.owner(), s.state().name(), url, s.ipv4(), s.image(), s.createdAt(), s.lastError());
  }
}
