package dev.pier.server.site;

import dev.pier.engine.site.SiteName;

/** Published once a new site exists (stopped, with its address and disk): {@code hostname} is the name it is served at. */
public record SiteCreated(SiteName name, String hostname) {}
