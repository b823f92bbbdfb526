package dev.pier.server.accesslog;

import dev.pier.edge.AccessLog;
import dev.pier.engine.site.SiteName;
import dev.pier.server.config.PierProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One access log per site, {@code DATA-DIR/access-logs/NAME.log}, in the combined format, written by a thread of
 * its own from a bounded queue (the edge's event loops never wait on a disk; when the queue is full, lines are
 * dropped and counted). A log past {@link #ROTATE_BYTES} becomes {@code NAME.log.1}, replacing the older one.
 */
@Component
public class AccessLogs implements AccessLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AccessLogs.class);
  static final long ROTATE_BYTES = 8L << 20;

  private record Line(String site, String text) {}

  private final Path dir;
  private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(65_536);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;

  AccessLogs(PierProperties props) {
    this.dir = props.dataDir().resolve("access-logs");
    this.writer = Thread.ofPlatform().daemon().name("access-log-writer").start(this::writeLoop);
  }

  @Override
  public void record(String site, String line) {
    if (!queue.offer(new Line(site, line))) {
      dropped.incrementAndGet();
    }
  }

  private Path file(SiteName site) {
    return dir.resolve(site.value() + ".log");
  }

  private void writeLoop() {
    List<Line> batch = new ArrayList<>();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, 4096);
      write(batch);
      batch.clear();
    }
  }

  private synchronized void write(List<Line> batch) {
    java.util.Map<String, StringBuilder> bySite = new java.util.LinkedHashMap<>();
    for (Line l : batch) {
      bySite.computeIfAbsent(l.site(), k -> new StringBuilder()).append(l.text()).append('\n');
    }
    for (var e : bySite.entrySet()) {
      if (SiteName.problem(e.getKey()) != null) {
        continue;
      }
      Path f = file(SiteName.of(e.getKey()));
      try {
        Files.createDirectories(dir);
        if (Files.exists(f) && Files.size(f) > ROTATE_BYTES) {
          Files.move(f, f.resolveSibling(f.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(f, e.getValue(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException ex) {
        log.warn("cannot write the access log of {}: {}", e.getKey(), ex.getMessage());
      }
    }
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      log.warn("{} access log lines were dropped: the disk could not keep up", lost);
    }
  }

  /** Waits until every line recorded so far is on disk (for reads that must see the latest requests). */
  public void flush() {
    for (int i = 0; i < 200 && !queue.isEmpty(); i++) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    synchronized (this) {
      // the writer holds this lock while it writes: once we have it, the last batch is written
    }
  }

  /** Up to the last {@code maxBytes} of the site's access log, from a whole line on. */
  public String read(SiteName site, int maxBytes) {
    flush();
    return dev.pier.engine.util.MoreFiles.tail(file(site), maxBytes);
  }

  /** Removes a deleted site's access logs. */
  public void remove(SiteName site) {
    flush();
    try {
      Files.deleteIfExists(file(site));
      Files.deleteIfExists(file(site).resolveSibling(file(site).getFileName() + ".1"));
    } catch (IOException e) {
      log.warn("cannot remove the access log of {}: {}", site, e.getMessage());
    }
  }

  @Override
  public void close() {
    writer.interrupt();
  }
}
