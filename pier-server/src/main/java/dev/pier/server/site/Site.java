package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.time.Instant;

/** One site as stored. */
public record Site(SiteName name, String owner, SiteState state, String ipv4, String image, Instant createdAt,
    Instant updatedAt, String lastError) {

  public Site withState(SiteState s) {
    return new Site(name, owner, s, ipv4, image, createdAt, updatedAt, lastError);
  }
}
