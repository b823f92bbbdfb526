package dev.pier.engine.rootfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The host's table of mounts, and the only way the engine mounts and unmounts. {@link ProcMountTable} is the real
 * one ({@code /proc/self/mountinfo}, mount(8), umount(8)); tests use an in-memory one.
 */
public interface MountTable {

  /** Current mount points, oldest first, as absolute normalized paths. */
  List<Path> current();

  /** Whether an overlay mount has a lower layer at or below {@code dir} (an image a site runs on). */
  boolean usedAsLowerLayer(Path dir);

  /** Makes the mount; throws naming the command when the kernel refuses. */
  void mount(Mount m);

  /** Unmounts what is mounted at {@code point} (the newest mount there). */
  void unmount(Path point);

  default boolean isMountPoint(Path p) {
    return current().contains(p.toAbsolutePath().normalize());
  }

  /**
   * Mount points at or below {@code dir}, newest first: the order to unmount them in, since a mount can only
   * depend on older ones (an overlay on the loop-mounted file system under it, say).
   */
  default List<Path> under(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    List<Path> found = new ArrayList<>(current().stream().filter(p -> p.startsWith(d)).toList());
    Collections.reverse(found);
    return found;
  }

  /** Unmounts everything mounted at or below {@code dir}, deepest first; nothing if nothing is. */
  default void unmountAll(Path dir) {
    for (Path p : under(dir)) {
      unmount(p);
    }
  }
}
