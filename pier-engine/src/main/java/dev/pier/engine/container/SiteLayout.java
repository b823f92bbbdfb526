package dev.pier.engine.container;

import dev.pier.engine.content.WebRoot;
import dev.pier.engine.image.Image;
import dev.pier.engine.rootfs.OverlayRootfs;
import dev.pier.engine.rootfs.SiteDisk;
import dev.pier.engine.site.SiteName;
import java.nio.file.Path;

/**
 * Where a site's files lie under the sites directory, {@code sites/NAME/}: {@code disk.img} (its own file system)
 * mounted at {@code layer} (holding {@code upper}, its writable layer, and overlayfs's {@code work}), {@code rootfs}
 * (the mounted overlay), {@code config.json} (runc's bundle), {@code init.pid}, {@code log/} and {@code console.last} and the files
 * Pier writes for the container ({@code etc/hosts} and the like). Pure.
 */
public record SiteLayout(Path sitesDir) {

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

  public Path rootfs(SiteName name) {
    return siteDir(name).resolve("rootfs");
  }

  /** The overlay of {@code image} and the site's layer. */
  public OverlayRootfs overlay(SiteName name, Image image) {
    Path layer = disk(name).mountPoint();
    return new OverlayRootfs(image.rootfs(), layer.resolve("upper"), layer.resolve("work"), rootfs(name));
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
