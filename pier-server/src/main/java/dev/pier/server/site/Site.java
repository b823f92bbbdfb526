package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.time.Instant;

/** One site as stored. */
public record Site(SiteName name, String owner, SiteState state, String ipv4, String image, String plan, Instant createdAt,
    Instant updatedAt, String lastError) {}
