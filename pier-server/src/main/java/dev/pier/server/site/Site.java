package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.time.Instant;

/** One site as stored. */
public record Site(SiteName name, String owner, SiteState state, String ipv4, String image, String imageVersion, String plan, Instant createdAt,
    Instant updatedAt, String lastError, RestartPolicy restartPolicy, int restarts, String lastExit) {

  /** A new site as create records it. */
  static Site created(SiteName name, String owner, String ipv4, String image, String plan, Instant now) {
    return new Site(name, owner, SiteState.CREATING, ipv4, image, null, plan, now, now, null, RestartPolicy.ON_FAILURE, 0, null);
  }
}
