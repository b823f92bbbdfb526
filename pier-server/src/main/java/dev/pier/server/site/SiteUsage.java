package dev.pier.server.site;

import dev.pier.engine.site.SiteName;

/** A running site's latest resource use, for the sites page; the usage sampler answers. */
public interface SiteUsage {

  /** The latest sample, as "12.5 MiB, 3 processes, 0.4% CPU"; empty when there is none. */
  String summary(SiteName name);
}
