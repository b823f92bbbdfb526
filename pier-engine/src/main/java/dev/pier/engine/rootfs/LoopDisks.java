package dev.pier.engine.rootfs;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandFailedException;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.CommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** The real {@link SiteDisks}: sparse files with ext4 (mkfs, e2fsck, resize2fs), loop-mounted through the mount table. */
public final class LoopDisks implements SiteDisks {

  private static final Duration LONG = Duration.ofHours(2);

  private final CommandRunner runner;
  private final MountTable mounts;

  public LoopDisks(CommandRunner runner, MountTable mounts) {
    this.runner = runner;
    this.mounts = mounts;
  }

  @Override
  public void ensure(SiteDisk disk, long bytes) {
    Path image = disk.image();
    try {
      Path growing = image.resolveSibling(image.getFileName() + ".growing");
      boolean unfinished = Files.exists(growing); // a grow that a crash or a failure interrupted: finish it
      if (Files.exists(image) && (unfinished || Files.size(image) < bytes) && !mounts.isMountPoint(disk.mountPoint())) {
        Files.writeString(growing, String.valueOf(Math.max(bytes, Files.size(image))));
        // resize2fs wants a freshly checked file system; e2fsck -p exits 1 when it corrected something, which is fine.
        Command fsck = Command.of("e2fsck", "-f", "-p", image.toString()).withTimeout(LONG);
        CommandResult checked = runner.run(fsck);
        if (checked.exitCode() > 1) {
          throw new CommandFailedException(fsck, checked);
        }
        if (Files.size(image) < bytes) {
          try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
          }
        }
        runner.check(Command.of("resize2fs", "-p", image.toString()).withTimeout(LONG));
        Files.delete(growing);
      }
      if (!Files.exists(image)) {
        Files.createDirectories(image.getParent());
        Path tmp = image.resolveSibling("." + image.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
          f.setLength(bytes);
        }
        runner.check(Command.of(new SiteDisk(tmp, disk.mountPoint()).mkfsCommand()));
        Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.createDirectories(disk.mountPoint());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the file system " + image, e);
    }
    if (!mounts.isMountPoint(disk.mountPoint())) {
      mounts.mount(disk.mount());
    }
  }

  @Override
  public long[] usedAndTotal(SiteDisk disk) {
    if (!mounts.isMountPoint(disk.mountPoint())) {
      return null;
    }
    try {
      FileStore store = Files.getFileStore(disk.mountPoint());
      return new long[] {store.getTotalSpace() - store.getUnallocatedSpace(), store.getTotalSpace()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long fileUsage(SiteDisk disk) {
    if (!Files.exists(disk.image())) {
      return 0;
    }
    String du = runner.check(Command.of("du", "--block-size=1", "-s", disk.image().toString())).stdout();
    return Long.parseLong(du.strip().split("\\s+")[0]);
  }

  @Override
  public void sync(SiteDisk disk) {
    runner.check(Command.of("sync", "--file-system", disk.mountPoint().toString()).withTimeout(LONG));
  }
}
