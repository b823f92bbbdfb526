package dev.pier.engine.container;

import dev.pier.engine.rootfs.Mount;
import dev.pier.engine.rootfs.MountTable;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a site's container prints (stdout and stderr: Apache's error log, PHP's errors), in {@code log/console.log}.
 *
 * <p>While the container runs, {@code log/} is a tmpfs of its own of {@link #FS_BYTES}: that is the hard limit,
 * whatever the site does to its log. A flood of lines fills it and further lines are lost (ENOSPC) until the next
 * {@link #cap}; an {@code ftruncate} to a terabyte makes a sparse file that holds no blocks. Nothing outside it fills:
 * not the host's disk, not another site's. Its pages are charged to the memory of the container that writes them.
 * {@link #cap} looks at the blocks the tmpfs uses, never at the file's size, and keeps the last {@link #KEEP_BYTES}
 * in place (read from the end, written back at the start): it never copies the file. When the container goes, the
 * same tail is kept in {@code console.last} on the host and the tmpfs unmounted.
 */
public record ConsoleLog(Path dir, Path last) {

  /** The size of each running site's log file system. */
  public static final long FS_BYTES = 8L << 20;
  /** Blocks in use past which {@link #cap} cuts the log down to its tail. */
  static final long CAP_BYTES = FS_BYTES / 2;
  /** What a cut keeps, and what is kept of a log when its container goes. */
  static final int KEEP_BYTES = 256 << 10;
  private static final String MARK = "--- Pier started ";

  /** The log file. */
  public Path file() {
    return dir.resolve("console.log");
  }

  /** The log's file system of its own: {@code tmpfs}, {@link #FS_BYTES}, nobody's but root's, nothing to run. */
  public Mount mount() {
    return new Mount("tmpfs", "pier-console", List.of("size=" + FS_BYTES, "mode=0700", "nosuid", "nodev", "noexec"), dir);
  }

  /**
   * Mounts the log's file system (made empty) and marks where this start's output begins. The log is then the site's
   * root's ({@code owner}, when the site has a user namespace): Apache opens {@code /dev/stderr} again by its name.
   */
  public void open(MountTable mounts, String site, Consumer<Path> owner) {
    try {
      Files.createDirectories(dir);
      if (!mounts.isMountPoint(dir)) {
        mounts.mount(mount());
      }
      Files.writeString(file(), MARK + site + " at " + Instant.now() + " ---\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      owner.accept(file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log of site \"" + site + "\"", e);
    }
  }

  /**
   * Keeps the log's tail in {@link #last()} (what the panel shows of a stopped site); call once the container is gone,
   * before unmounting. The log of a container an earlier Pier started, a plain file beside {@code log/}, goes, its tail
   * kept the same way. Best effort: a host disk too full to keep it costs the tail, never the teardown; false then.
   */
  public boolean keep() {
    try {
      Path from = Files.exists(file()) ? file() : Files.exists(legacy()) ? legacy() : null;
      if (from != null) {
        MoreFiles.writeAtomically(last, text(tailBytes(from, KEEP_BYTES), KEEP_BYTES));
      }
      Files.deleteIfExists(legacy());
      return true;
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  /** Where an earlier Pier had its containers write, outside any limit: capped by emptying it, until it goes. */
  private Path legacy() {
    return dir.resolveSibling("console.log");
  }

  /**
   * Cuts the log down to its last {@link #KEEP_BYTES} once its file system holds more than {@link #CAP_BYTES}.
   * Blocks, not sizes: a sparse file of any size costs nothing and is left alone.
   */
  public void cap(String site) {
    Path file = file();
    try {
      if (Files.exists(legacy()) && Files.size(legacy()) > FS_BYTES) {
        try (FileChannel ch = FileChannel.open(legacy(), StandardOpenOption.WRITE)) {
          ch.truncate(0); // (no copy: a flood of it or a sparse terabyte writes nothing more)
        }
      }
      // A file holds no more blocks than its size: only a large one makes the file system be asked (a mount table read).
      if (!Files.exists(file) || Files.size(file) <= CAP_BYTES || used() <= CAP_BYTES) {
        return;
      }
      byte[] tail = text(tailBytes(file, KEEP_BYTES), KEEP_BYTES).getBytes(StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("--- Pier cut this log down to its last " + (KEEP_BYTES >> 10) + " KiB at " + Instant.now()
            + " ---\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.write(ByteBuffer.wrap(tail), ch.size());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot cut down the log of site \"" + site + "\"", e);
    }
  }

  /** The bytes the log's own file system has in use; outside one (a test's directory), the file's size. */
  private long used() throws IOException {
    FileStore store = Files.getFileStore(dir);
    if ("tmpfs".equals(store.type()) && store.getTotalSpace() <= 2 * FS_BYTES) {
      return store.getTotalSpace() - store.getUnallocatedSpace();
    }
    return Files.size(file());
  }

  /** Up to the last {@code maxBytes}, oldest first: of the running container's log, else of the last one's. */
  public String read(int maxBytes) {
    for (Path p : List.of(file(), legacy(), last)) {
      if (Files.exists(p)) {
        return text(tailBytes(p, maxBytes), maxBytes);
      }
    }
    return "";
  }

  /** What the container printed since its last start, at most the last 4 KiB, for error messages. */
  public String tail() {
    String tail = read(4096);
    int mark = tail.lastIndexOf(MARK);
    if (mark >= 0) {
      int eol = tail.indexOf('\n', mark);
      tail = eol < 0 ? "" : tail.substring(eol + 1);
    }
    tail = tail.strip();
    return tail.isEmpty() ? "(no output)" : tail;
  }

  /** The last {@code maxBytes} of {@code file} by one positional read, however large (or sparse) it is. */
  static byte[] tailBytes(Path file, int maxBytes) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, maxBytes));
      long from = size - b.capacity();
      while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
        // positional reads until full or at the end
      }
      byte[] out = new byte[b.position()];
      b.flip().get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The last bytes of a file as text: the holes of a sparse file (NUL bytes) dropped, from a whole line when cut. */
  static String text(byte[] bytes, int maxBytes) {
    String text = new String(bytes, StandardCharsets.UTF_8).replace("\0", "");
    int eol = text.indexOf('\n');
    return bytes.length >= maxBytes && eol >= 0 ? text.substring(eol + 1) : text;
  }
}
