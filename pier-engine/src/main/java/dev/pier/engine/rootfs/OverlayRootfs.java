package dev.pier.engine.rootfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A site's root filesystem: an overlay of a read-only shared image ({@code lower}) and the site's own writable
 * layer ({@code upper}, with overlayfs's {@code work} directory beside it), mounted at {@code merged}.
 */
public record OverlayRootfs(Path lower, Path upper, Path work, Path merged) {

  public OverlayRootfs {
    for (Path p : new Path[] {lower, upper, work, merged}) {
      String s = p.toString();
      if (!p.isAbsolute() || s.contains(",") || s.contains(":") || s.contains("\\")) {
        throw new IllegalArgumentException("overlay path \"" + s + "\" must be absolute and hold no comma, colon or backslash");
      }
    }
  }

  /** The mount: no setuid program and no device of its layers counts on the host. Pure. */
  public Mount mount() {
    return new Mount("overlay", "overlay", List.of("lowerdir=" + lower, "upperdir=" + upper, "workdir=" + work, "nosuid", "nodev"), merged);
  }

  /** The mount(8) argument list. Pure. */
  public List<String> mountCommand() {
    return mount().argv();
  }

  /** Mounts the overlay unless it already is mounted, creating its directories first. */
  public void mount(MountTable mounts) {
    if (mounts.isMountPoint(merged)) {
      return;
    }
    try {
      Files.createDirectories(upper);
      Files.createDirectories(work);
      Files.createDirectories(merged);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directories of " + merged, e);
    }
    mounts.mount(mount());
  }

  /** Unmounts whatever is mounted at or below {@code merged}; nothing if nothing is. */
  public void unmount(MountTable mounts) {
    mounts.unmountAll(merged);
  }
}
