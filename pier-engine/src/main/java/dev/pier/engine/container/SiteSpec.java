package dev.pier.engine.container;

import dev.pier.engine.image.ImageRef;
import dev.pier.engine.limits.Limits;
import dev.pier.engine.site.SiteName;

/**
 * One site as the engine needs it to run it.
 *
 * @param hostname  the site's full name, {@code NAME.DOMAIN}: the container's hostname
 * @param address   the site's IPv4 address on the container network
 * @param diskBytes the size of the site's own file system (its writable layer)
 * @param image     the image (and build of it) the site runs on
 * @param outbound  whether its plan lets it open connections out (it then gets the host's resolvers)
 */
public record SiteSpec(SiteName name, String hostname, String address, Limits limits, long diskBytes, ImageRef image, boolean outbound) {

  public SiteSpec(SiteName name, String hostname, String address, Limits limits, long diskBytes, ImageRef image) {
    this(name, hostname, address, limits, diskBytes, image, false);
  }

  /** The size of a site's own file system when none is given: 1 GiB. */
  public static final long DEFAULT_DISK = 1L << 30;

  public SiteSpec(SiteName name, String hostname, String address, Limits limits) {
    this(name, hostname, address, limits, DEFAULT_DISK);
  }

  public SiteSpec(SiteName name, String hostname, String address, Limits limits, long diskBytes) {
    this(name, hostname, address, limits, diskBytes, ImageRef.STATIC);
  }

  /** The container id on the default instance, {@code pier-NAME}; an engine names it {@link SiteEngine#containerId}. */
  public String containerId() {
    return new HostNames(HostNames.DEFAULT_INSTANCE, "pier").containerId(name);
  }

  public SiteSpec withImage(ImageRef other) {
    return new SiteSpec(name, hostname, address, limits, diskBytes, other, outbound);
  }
}
