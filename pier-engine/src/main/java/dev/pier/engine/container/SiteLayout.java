package dev.pier.engine.container;

import dev.pier.engine.content.WebRoot;
import dev.pier.engine.rootfs.OverlayRootfs;
import dev.pier.engine.rootfs.SiteDisk;
import dev.pier.engine.site.SiteName;
import java.nio.file.Path;

/**
 * Where a site's files lie under the sites directory, {@code sites/NAME/}: {@code disk.img} (its own file system)
 * mounted at {@code layer} (holding {@code upper}, its writable layer, and overlayfs's {@code work}), the views of
 * its image and of its file system through its ids ({@code image}, {@code mapped}: {@link dev.pier.engine.rootfs.IdMap}),
 * {@code config.json} (runc's bundle), {@code init.pid}, {@code log/} and {@code console.last} and the files Pier
 * writes for the container ({@code etc/hosts} and the like). The mounted overlay, its root file system, is
 * {@code RUN/NAME/root} ({@code runDir}): a path its root can follow. Pure.
 */
public record SiteLayout(Path sitesDir, Path runDir) {

  public Path siteDir(SiteName name) {
    return sitesDir.resolve(name.value());
  }

  /** The site's own file system: {@code disk.img}, mounted at {@code layer}. */
  public SiteDisk disk(SiteName name) {
    return new SiteDisk(siteDir(name).resolve("disk.img"), siteDir(name).resolve("layer"));
  }

  /** The site's writable layer: what it adds to and changes in its image, on the site's own file system. */
  public Path layer(SiteName name) {
    return disk(name).mountPoint().resolve("upper");
  }

  /** Where the site's content lies on its file system: {@code layer/www}, {@code layer/data}. */
  public WebRoot webRoot(SiteName name) {
    return new WebRoot(disk(name).mountPoint());
  }

  /**
   * The site's directory outside the data directory, {@code RUN/NAME}: its root's alone (0700), so no other account
   * and no other site enters it, while the site's root (a stranger to the host) follows the path to its root.
   */
  public Path siteRunDir(SiteName name) {
    return runDir.resolve(name.value());
  }

  /** Where the site's root file system is mounted while it runs: {@code RUN/NAME/root}. */
  public Path rootfs(SiteName name) {
    return siteRunDir(name).resolve("root");
  }

  /** Where an earlier Pier mounted it, in the site's directory: unmounted with it. */
  public Path legacyRootfs(SiteName name) {
    return siteDir(name).resolve("rootfs");
  }

  /** The view of the site's image through its ids. */
  public Path mappedImage(SiteName name) {
    return siteDir(name).resolve("image");
  }

  /** The view of the site's own file system through its ids (its content and data are bind-mounted from it). */
  public Path mappedDisk(SiteName name) {
    return siteDir(name).resolve("mapped");
  }

  /** Which host id the files of the site's layer belong from ({@code 0} when the file is missing: no user namespace). */
  public Path layerIds(SiteName name) {
    return disk(name).mountPoint().resolve("ids");
  }

  /** The overlay of the view of its image and the site's layer. */
  public OverlayRootfs overlay(SiteName name) {
    Path layer = disk(name).mountPoint();
    return new OverlayRootfs(mappedImage(name), layer.resolve("upper"), layer.resolve("work"), rootfs(name));
  }

  public Path bundleSpec(SiteName name) {
    return siteDir(name).resolve("config.json");
  }

  public Path pidFile(SiteName name) {
    return siteDir(name).resolve("init.pid");
  }

  /** The container's output: {@code log/console.log} on a file system of its own while it runs ({@link ConsoleLog}). */
  public ConsoleLog console(SiteName name) {
    return new ConsoleLog(siteDir(name).resolve("log"), siteDir(name).resolve("console.last"));
  }
}
