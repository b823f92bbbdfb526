package dev.pier.engine.container;

import dev.pier.engine.limits.Limits;
import dev.pier.engine.site.SiteName;

/**
 * One site as the engine needs it to run it.
 *
 * @param hostname the site's full name, {@code NAME.DOMAIN}: the container's hostname
 * @param address  the site's IPv4 address on the container network
 */
public record SiteSpec(SiteName name, String hostname, String address, Limits limits) {

  /** The runc container id, {@code pier-NAME}. */
  public String containerId() {
    return SiteEngine.containerId(name);
  }
}
