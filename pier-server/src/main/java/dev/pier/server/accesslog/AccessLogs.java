package dev.pier.server.accesslog;

import dev.pier.edge.AccessLog;
import dev.pier.edge.AccessLogEntry;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.SiteDeleted;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * One access log per site, {@code DATA-DIR/access-logs/NAME.log}, in the combined format, written by a thread of
 * its own from a bounded queue (the edge's event loops never wait on a disk; when the queue is full, lines are
 * dropped and counted). The writer keeps the busiest sites' files open and writes what came in the last few
 * milliseconds at once, so a busy site costs one write per batch, not a file opening per request. A log past
 * {@link #ROTATE_BYTES} (8 MiB) becomes {@code NAME.log.1}, replacing the older one.
 */
@Component
public class AccessLogs implements AccessLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AccessLogs.class);
  static final long ROTATE_BYTES = 8L << 20;
  /** Files kept open at most; the least recently written is closed first. */
  private static final int OPEN_FILES = 64;
  /** How long the writer lets lines gather after the first of a batch. */
  private static final long GATHER_MILLIS = 20;

  /** A line for a site's log: its text, or its entry (formatted by the writer, {@link AccessLogEntry#writeTo}). */
  private record Line(String site, String text, AccessLogEntry entry) {}

  /** An open log file and its size. */
  private static final class Open {
    final FileChannel channel;
    long size;

    Open(FileChannel channel, long size) {
      this.channel = channel;
      this.size = size;
    }
  }

  private final Path dir;
  /** Lock-free for the edge's event loops (many producers), drained by the writer alone. */
  private final Queue<Line> queue = PlatformDependent.newFixedMpscQueue(65_536);
  /** Set while the writer is parked on an empty queue: the next line wakes it. */
  private final AtomicBoolean parked = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  /** Lines queued so far, and lines the writer has taken care of (written, or lost to a disk error). */
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  /** Set by {@link #flush()}: the writer writes at once, without waiting for more lines. */
  private volatile boolean urgent;
  private volatile boolean closing;
  private final LinkedHashMap<String, Open> open = new LinkedHashMap<>(16, 0.75f, true);
  private final Thread writer;

  private final long rotateBytes;

  @Autowired
  AccessLogs(PierProperties props) {
    this(props.dataDir().resolve("access-logs"), ROTATE_BYTES);
  }

  AccessLogs(Path dir, long rotateBytes) {
    this.dir = dir;
    this.rotateBytes = rotateBytes;
    this.writer = Thread.ofPlatform().daemon().name("access-log-writer").start(this::writeLoop);
  }

  @Override
  public void record(String site, String line) {
    queue(new Line(site, line, null));
  }

  @Override
  public void record(String site, AccessLogEntry entry) {
    queue(new Line(site, null, entry));
  }

  private void queue(Line line) {
    recorded.incrementAndGet(); // before the line is queued: flush() never waits for less than was recorded
    if (closing || !queue.offer(line)) {
      recorded.decrementAndGet();
      dropped.incrementAndGet();
    }
    if (parked.get() && parked.compareAndSet(true, false)) {
      LockSupport.unpark(writer);
    }
  }

  private Path file(SiteName site) {
    return dir.resolve(site.value() + ".log");
  }

  private void writeLoop() {
    List<Line> batch = new ArrayList<>();
    while (!closing || !queue.isEmpty()) {
      if (queue.isEmpty()) {
        parked.set(true);
        if (queue.isEmpty() && !closing) { // a line that came just before the flag was set would wait for the next one
          LockSupport.park(this);
        }
        parked.set(false);
        continue;
      }
      if (!urgent && !closing) {
        // A busy edge fills the batch meanwhile: one write for many lines. (flush() and close() cut it short.)
        LockSupport.parkNanos(this, GATHER_MILLIS * 1_000_000L);
      }
      urgent = false;
      for (Line l; (l = queue.poll()) != null; ) {
        batch.add(l);
      }
      try {
        write(batch);
      } finally {
        written.addAndGet(batch.size());
        batch.clear();
      }
    }
    closeAll();
  }

  /** Each site's lines of the batch being written, as bytes; the buffers are kept for the next batches. */
  private final Map<String, ByteBuffer> bySite = new LinkedHashMap<>();

  private synchronized void write(List<Line> batch) {
    for (ByteBuffer b : bySite.values()) {
      b.clear();
    }
    for (Line l : batch) {
      byte[] text = l.text() == null ? null : (l.text() + "\n").getBytes(StandardCharsets.UTF_8);
      int room = text != null ? text.length : l.entry().maxLength();
      ByteBuffer b = bySite.get(l.site());
      if (b == null || b.remaining() < room) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(64 * 1024, 2 * ((b == null ? 0 : b.position()) + room)));
        if (b != null) {
          bigger.put(b.flip());
        }
        bySite.put(l.site(), b = bigger);
      }
      if (text != null) {
        b.put(text);
      } else {
        l.entry().writeTo(b);
      }
    }
    for (var e : bySite.entrySet()) {
      if (e.getValue().position() == 0 || SiteName.problem(e.getKey()) != null) {
        continue;
      }
      try {
        Open f = open(e.getKey());
        if (f.size > rotateBytes) { // the file is full: it becomes NAME.log.1 and this batch starts a new one
          close(e.getKey());
          Path p = file(SiteName.of(e.getKey()));
          Files.move(p, p.resolveSibling(p.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
          f = open(e.getKey());
        }
        ByteBuffer bytes = e.getValue().flip();
        while (bytes.hasRemaining()) {
          f.size += f.channel.write(bytes);
        }
      } catch (IOException ex) {
        close(e.getKey());
        log.warn("cannot write the access log of {}: {}", e.getKey(), ex.getMessage());
      }
    }
    if (bySite.size() > OPEN_FILES) { // kept for the busiest sites only, as their files are
      bySite.clear();
    }
    bySite.values().removeIf(b -> b.capacity() > 1 << 20); // (after a burst)
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      log.warn("{} access log lines were dropped: the disk could not keep up", lost);
    }
  }

  /** A deleted site's logs go with it. */
  @EventListener
  void siteDeleted(SiteDeleted deleted) {
    remove(deleted.name());
  }

  /** The site's log, open for appending (opened, and the directory made, when it is not). */
  private Open open(String site) throws IOException {
    Open f = open.get(site);
    if (f != null) {
      return f;
    }
    Files.createDirectories(dir);
    var channel = FileChannel.open(file(SiteName.of(site)), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    f = new Open(channel, channel.size());
    open.put(site, f);
    if (open.size() > OPEN_FILES) {
      close(open.keySet().iterator().next());
    }
    return f;
  }

  private synchronized void close(String site) {
    Open f = open.remove(site);
    if (f != null) {
      try {
        f.channel.close();
      } catch (IOException e) {
        log.debug("closing the access log of {}: {}", site, e.getMessage());
      }
    }
  }

  private synchronized void closeAll() {
    for (String site : List.copyOf(open.keySet())) {
      close(site);
    }
  }

  /** Waits (2 s at most) until every line recorded before this call is on disk, for reads that must see them. */
  public void flush() {
    long target = recorded.get();
    urgent = true;
    LockSupport.unpark(writer);
    for (int i = 0; i < 400 && written.get() < target && writer.isAlive(); i++) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Up to the last {@code maxBytes} of the site's access log, from a whole line on. */
  public String read(SiteName site, int maxBytes) {
    flush();
    return MoreFiles.tail(file(site), maxBytes);
  }

  /** Removes a deleted site's access logs. */
  public void remove(SiteName site) {
    flush();
    close(site.value());
    try {
      Files.deleteIfExists(file(site));
      Files.deleteIfExists(file(site).resolveSibling(file(site).getFileName() + ".1"));
    } catch (IOException e) {
      log.warn("cannot remove the access log of {}: {}", site, e.getMessage());
    }
  }

  /** Writes what is queued, closes the files and ends the writer (waiting 5 s at most); later lines are dropped. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
