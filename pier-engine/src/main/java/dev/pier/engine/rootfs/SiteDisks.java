package dev.pier.engine.rootfs;

/**
 * Makes sites' own file systems real. {@link LoopDisks} is the real one (a sparse file with ext4, loop-mounted);
 * tests use an in-memory one.
 */
public interface SiteDisks {

  /**
   * Creates the file system of {@code bytes} if there is none yet, grows it to {@code bytes} if it is smaller and
   * not mounted (a bigger plan takes effect at the site's next start; it never shrinks), and mounts it unless it
   * is mounted.
   */
  void ensure(SiteDisk disk, long bytes);

  /** Bytes in use and in all on the mounted file system, or null when it is not mounted. */
  long[] usedAndTotal(SiteDisk disk);

  /** Bytes the disk takes on the host while not mounted: the blocks its file holds; 0 when there is none. */
  long fileUsage(SiteDisk disk);

  /** Writes what the mounted file system holds in memory to the disk (syncfs), so a rename after it is ordered after it. */
  void sync(SiteDisk disk);
}
