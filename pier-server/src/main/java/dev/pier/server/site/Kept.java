package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.io.Closeable;
import java.io.IOException;

/**
 * Something kept open on a site's file system between two calls under the site's lock (an SFTP transfer's file),
 * made by {@link SiteContent#keep}: closed by its user, or by the next work that may change the site
 * ({@link SiteLocks#locked}, {@link SiteContent#closeKept}).
 */
public final class Kept {

  private final SiteName site;
  private final Closeable open;
  private volatile boolean closed;

  Kept(SiteName site, Closeable open) {
    this.site = site;
    this.open = open;
  }

  SiteName site() {
    return site;
  }

  /** Whether it was closed: by its user, or by work that changed the site since. */
  public boolean closed() {
    return closed;
  }

  void close() throws IOException {
    closed = true;
    open.close();
  }
}
