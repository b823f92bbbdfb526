package dev.pier.engine.rootfs;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real {@link MountTable}: the kernel's {@code /proc/self/mountinfo}; mount(8) and umount(8) through the runner. */
public final class ProcMountTable implements MountTable {

  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private final CommandRunner runner;

  public ProcMountTable(CommandRunner runner) {
    this.runner = runner;
  }

  private static String mountinfo() {
    try {
      return Files.readString(MOUNTINFO);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MOUNTINFO, e);
    }
  }

  @Override
  public List<Path> current() {
    return Mounts.mountPoints(mountinfo());
  }

  @Override
  public boolean usedAsLowerLayer(Path dir) {
    String info = mountinfo();
    if (Mounts.usedAsLowerLayer(info, dir)) {
      return true;
    }
    try { // an id-mapped mount names the directory by its real path
      return Mounts.usedAsMappedSource(info, Files.exists(dir) ? dir.toRealPath() : dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + dir, e);
    }
  }

  @Override
  public void mount(Mount m) {
    runner.check(Command.of(m.argv()));
  }

  @Override
  public void unmount(Path point) {
    runner.check(Command.of("umount", point.toString()));
  }
}
