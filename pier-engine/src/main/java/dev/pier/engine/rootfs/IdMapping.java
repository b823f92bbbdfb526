package dev.pier.engine.rootfs;

import java.nio.file.Path;
import java.util.List;

/**
 * Gives a site's user namespace its files: id-mapped views of directories (the shared image, the site's own file
 * system), in which what the host owns as {@code N} the site owns as {@code N}, and a one-time change of owners for
 * the site's writable layer, which overlayfs writes as the site's host ids. {@link IdmappedMounts} is the real one
 * (the kernel's id-mapped mounts); tests use an in-memory one. Views are mounts: the {@link MountTable} lists them
 * and unmounts them.
 */
public interface IdMapping {

  /** One view: {@code source} seen at {@code target} through the site's ids. */
  record View(Path source, Path target, boolean readOnly) {}

  /**
   * Mounts each view (creating its mount point), in order, through the mapping of the user namespace kept at
   * {@code userns} (a bind mount of one, such as the site's); throws naming the view the kernel refused.
   */
  void mount(Path userns, List<View> views);

  /**
   * Changes the owner and group of everything in {@code tree} (itself included, links not followed) whose id lies in
   * {@code [from, from + IdMap.SIZE)} to the same place in {@code [to, to + IdMap.SIZE)}; other ids stay. Setuid and
   * setgid bits, which a change of owner clears, are put back. Safe to repeat after a crash midway.
   */
  void shift(Path tree, int from, int to);

  /** Makes {@code file} the site's root's (its host id {@link IdMap#hostBase}), link not followed. */
  void giveToRoot(Path file, IdMap ids);
}
