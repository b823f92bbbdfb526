package dev.pier.server.site;

import dev.pier.engine.site.SiteName;

/**
 * Published when a new site's name is taken, before its disk and address are made on the host: what is slow to set up
 * elsewhere (its name in DNS) can start now. If the creation then fails, {@link SiteDeleted} follows.
 */
public record SiteAdmitted(SiteName name, String hostname) {}
