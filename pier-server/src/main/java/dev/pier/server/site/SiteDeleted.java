package dev.pier.server.site;

import dev.pier.engine.site.SiteName;

/** Published once a site and everything it had on the host are gone: what other features keep of it can go too. */
public record SiteDeleted(SiteName name) {}
