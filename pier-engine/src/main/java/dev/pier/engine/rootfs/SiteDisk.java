package dev.pier.engine.rootfs;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a site's own file system lives, the brief's "file as a partition": a sparse file holding an ext4 file
 * system, loop-mounted where the site's writable layer lives. A site that fills it gets "no space" and nothing
 * else on the host is affected. A pure value; {@link SiteDisks} makes it real.
 *
 * @param image      the file, {@code sites/NAME/disk.img}
 * @param mountPoint where it is mounted, {@code sites/NAME/layer}
 */
public record SiteDisk(Path image, Path mountPoint) {

  /** The mkfs argument list: no blocks reserved for root, lazy initialisation so creating a large one is quick. Pure. */
  public List<String> mkfsCommand() {
    return List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1", image.toString());
  }

  /** The loop mount, without set-user-id programs or device files. Pure. */
  public Mount mount() {
    return new Mount("ext4", image.toString(), List.of("loop", "nosuid", "nodev"), mountPoint);
  }

  public List<String> mountCommand() {
    return mount().argv();
  }
}
