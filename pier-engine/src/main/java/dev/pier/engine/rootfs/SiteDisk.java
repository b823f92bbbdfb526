package dev.pier.engine.rootfs;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A site's own file system, the brief's "file as a partition": a sparse file holding an ext4 file system,
 * loop-mounted where the site's writable layer lives. A site that fills it gets "no space" and nothing else on
 * the host is affected. Only the blocks written take room on the host.
 *
 * @param image      the file, {@code sites/NAME/disk.img}
 * @param mountPoint where it is mounted, {@code sites/NAME/layer}
 */
public record SiteDisk(Path image, Path mountPoint) {

  /** The mkfs argument list: no blocks reserved for root, lazy initialisation so creating a large one is quick. Pure. */
  public java.util.List<String> mkfsCommand() {
    return java.util.List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1", image.toString());
  }

  public java.util.List<String> mountCommand() {
    return java.util.List.of("mount", "-o", "loop,nosuid,nodev", image.toString(), mountPoint.toString());
  }

  /**
   * Creates the file system of {@code bytes} if there is none yet, grows it to {@code bytes} if it is smaller and
   * not mounted (a bigger plan takes effect at the site's next start; it never shrinks), and mounts it unless it
   * is mounted.
   */
  public void ensure(CommandRunner runner, long bytes) {
    try {
      Path growing = image.resolveSibling(image.getFileName() + ".growing");
      boolean unfinished = Files.exists(growing); // a grow that a crash or a failure interrupted: finish it
      if (Files.exists(image) && (unfinished || Files.size(image) < bytes) && !Mounts.isMountPoint(mountPoint)) {
        Files.writeString(growing, String.valueOf(Math.max(bytes, Files.size(image))));
        java.time.Duration long_ = java.time.Duration.ofHours(2);
        // resize2fs wants a freshly checked file system; e2fsck -p exits 1 when it corrected something, which is fine.
        Command fsck = Command.of("e2fsck", "-f", "-p", image.toString()).withTimeout(long_);
        var checked = runner.run(fsck);
        if (checked.exitCode() > 1) {
          throw new dev.pier.engine.exec.CommandFailedException(fsck, checked);
        }
        if (Files.size(image) < bytes) {
          try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
          }
        }
        runner.check(Command.of("resize2fs", "-p", image.toString()).withTimeout(long_));
        Files.delete(growing);
      }
      if (!Files.exists(image)) {
        Files.createDirectories(image.getParent());
        Path tmp = image.resolveSibling("." + image.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
          f.setLength(bytes);
        }
        runner.check(Command.of(new SiteDisk(tmp, mountPoint).mkfsCommand()));
        Files.move(tmp, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      Files.createDirectories(mountPoint);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the file system " + image, e);
    }
    if (!Mounts.isMountPoint(mountPoint)) {
      runner.check(Command.of(mountCommand()));
    }
  }

  /** Bytes in use and in all on the mounted file system, or null when it is not mounted. */
  public long[] usedAndTotal() {
    if (!Mounts.isMountPoint(mountPoint)) {
      return null;
    }
    try {
      var store = Files.getFileStore(mountPoint);
      return new long[] {store.getTotalSpace() - store.getUnallocatedSpace(), store.getTotalSpace()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
