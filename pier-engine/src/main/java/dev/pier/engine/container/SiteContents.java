package dev.pier.engine.container;

import dev.pier.engine.content.ContentException;
import dev.pier.engine.content.Releases;
import dev.pier.engine.content.WebRoot;
import dev.pier.engine.rootfs.SiteDisk;
import dev.pier.engine.site.SiteName;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reaches a site's content ({@link Releases}) in any state: while the site runs its file system is mounted already;
 * while it is stopped or asleep it is mounted for the call and unmounted after it.
 */
public final class SiteContents {

  private final EngineDrivers host;
  private final SiteLayout layout;
  private final HostNames names;
  private final Predicate<SiteName> running;

  SiteContents(EngineDrivers host, SiteLayout layout, HostNames names, Predicate<SiteName> running) {
    this.host = host;
    this.layout = layout;
    this.names = names;
    this.running = running;
  }

  /**
   * Runs {@code work} with every process of the site frozen when it runs (nothing is frozen when it does not): what
   * its programs keep (a SQLite database) is then never read half-written. Thawed after, whatever happened.
   */
  public <T> T frozen(SiteName name, Supplier<T> work) {
    String id = names.containerId(name);
    if (!running.test(name)) {
      return work.get();
    }
    try {
      host.runtime().pause(id);
    } catch (RuntimeException e) {
      try { // frozen in part, maybe: thawed all the same
        host.runtime().resume(id);
      } catch (RuntimeException thaw) {
        e.addSuppressed(thaw);
      }
      throw e;
    }
    try {
      return work.get();
    } finally {
      host.runtime().resume(id);
    }
  }

  /** Where the site's content lies on its file system (mounted or not). */
  public WebRoot webRoot(SiteName name) {
    return layout.webRoot(name);
  }

  /**
   * Runs {@code work} on the site's releases with its file system mounted. The caller holds the site's lock, so no
   * start or stop runs meanwhile, and says whether the site runs (its container then has the file system mounted
   * already); the site's spec is asked for only to mount it. A stopped site's file system is mounted for the call
   * and stays mounted after it, for the next call to find; {@link #release} unmounts it. A site that runs since
   * before releases existed (its container sees its old web root) must be restarted once first.
   */
  public <T> T with(SiteName name, Supplier<SiteSpec> site, boolean running, Function<Releases, T> work) {
    WebRoot web = layout.webRoot(name);
    SiteDisk disk = layout.disk(name);
    if (running) {
      if (!Files.isDirectory(web.www(), LinkOption.NOFOLLOW_LINKS)) {
        throw new ContentException(ContentException.Reason.CONFLICT, "site \"" + name + "\" runs since before Pier kept releases:"
            + " stop and start it once, then publish");
      }
      return work.apply(new Releases(web, () -> host.disks().sync(disk)));
    }
    // The mount point is an empty directory while the file system is not mounted: www is there only when it is.
    if (!Files.isDirectory(web.www(), LinkOption.NOFOLLOW_LINKS)) {
      SiteSpec spec = site.get();
      host.disks().ensure(disk, spec.diskBytes());
      SiteFiles.ensureWebRoot(disk.mountPoint(), spec);
    }
    return work.apply(new Releases(web, () -> host.disks().sync(disk)));
  }

  /** Unmounts a stopped site's file system that {@link #with} left mounted; nothing while the site runs. */
  public void release(SiteName name) {
    if (!running.test(name)) {
      host.mounts().unmountAll(layout.disk(name).mountPoint());
    }
  }
}
