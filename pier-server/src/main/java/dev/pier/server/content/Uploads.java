package dev.pier.server.content;

import dev.pier.engine.content.ContentException;
import dev.pier.server.common.PierException;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.Site;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Files Pier keeps in {@code DATA-DIR/tmp} for a moment: uploads while they are published, copies of files while
 * they are downloaded. One at a time per site (others wait, up to a minute), an upload never more than the site's
 * body limit, and none while Pier's own disk is nearly full: no tenant fills Pier's disk through them. Deleted
 * when done, and at each start.
 */
@Component
public class Uploads {

  /** Left free on Pier's own disk. */
  static final long RESERVE = 256L << 20;

  private final Path dir;
  private final Map<String, Semaphore> perSite = new ConcurrentHashMap<>();

  /** A file kept for a moment; closing it deletes it and lets the site's next one in. */
  public record Spooled(Path file, Semaphore permit) implements AutoCloseable {
    @Override
    public void close() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // left in DATA-DIR/tmp, which the next start empties
      } finally {
        permit.release();
      }
    }
  }

  Uploads(PierProperties props) {
    this.dir = props.dataDir().resolve("tmp");
    // What uploads and downloads cut short by a stop of Pier left.
    try (Stream<Path> left = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
      for (Path p : left.filter(p -> p.getFileName().toString().matches("(upload|download)-.*\\.part")).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir, e);
    }
  }

  /** Copies {@code body} into a new file, refusing it when it is over {@code limit} bytes. */
  public Spooled receive(Site site, InputStream body, long declaredLength, long limit, String what) {
    if (declaredLength > limit) {
      throw tooLarge(limit, what);
    }
    return spool(site, "upload-", declaredLength >= 0 ? declaredLength : limit, out -> {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      while (true) {
        int n;
        try {
          n = body.read(buf);
        } catch (IOException e) {
          throw new ClientGone(e);
        }
        if (n <= 0) {
          break;
        }
        total += n;
        if (total > limit) {
          throw tooLarge(limit, what);
        }
        out.write(buf, 0, n);
      }
    });
  }

  /** A new file for the site, at most {@code size} bytes, filled by {@code fill}. */
  Spooled spool(Site site, String prefix, long size, Filler fill) {
    Spooled s = reserve(site, prefix);
    boolean done = false;
    try {
      fill(s, size, fill);
      done = true;
      return s;
    } finally {
      if (!done) {
        s.close();
      }
    }
  }

  /** Waits for the site's turn (a minute at most) and makes an empty file for it. */
  Spooled reserve(Site site, String prefix) {
    Semaphore permit = perSite.computeIfAbsent(site.name().value(), k -> new Semaphore(1));
    try {
      if (!permit.tryAcquire(60, TimeUnit.SECONDS)) {
        throw PierException.conflict("Busy", "another upload or download of site \"" + site.name() + "\" is under way: try again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PierException.conflict("Busy", "interrupted while waiting for another upload of site \"" + site.name() + "\"");
    }
    try {
      Files.createDirectories(dir);
      return new Spooled(Files.createTempFile(dir, prefix, ".part",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), permit);
    } catch (IOException e) {
      permit.release();
      throw new UncheckedIOException("cannot make a file in " + dir, e);
    }
  }

  /**
   * The site's turn for something that writes up to {@code size} bytes onto Pier's own disk (a git push), when the
   * disk has room for them; closing it ends the turn.
   */
  public Spooled turn(Site site, String what, long size) {
    Spooled s = reserve(site, what + "-");
    try {
      checkRoom(size);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void checkRoom(long size) {
    try {
      if (Files.getFileStore(dir).getUsableSpace() < size + RESERVE) {
        throw new PierException(PierException.Kind.NO_SPACE, "Pier's disk is full", "Pier's own disk has too little room left for this"
            + " (" + size + " bytes): an administrator must free some", null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the free space of " + dir, e);
    }
  }

  /**
   * Fills a reserved file with at most {@code size} bytes, when Pier's disk has room for them. A failure to read
   * what the client sends is the client's (400); Pier's disk filling up is a 507; anything else is Pier's.
   */
  void fill(Spooled s, long size, Filler fill) {
    checkRoom(size);
    try (OutputStream out = Files.newOutputStream(s.file(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      fill.fill(out);
    } catch (ClientGone e) {
      throw PierException.invalid("Transfer cut short", "the upload ended before its end: " + e.getCause().getMessage());
    } catch (IOException e) {
      if (ContentException.isNoSpace(e)) {
        throw new PierException(PierException.Kind.NO_SPACE, "Pier's disk is full", "Pier's own disk filled up: an administrator must free"
            + " some", e);
      }
      throw new UncheckedIOException("cannot write " + s.file(), e);
    }
  }

  /** A read of the request's body that failed: the client went away. */
  static final class ClientGone extends IOException {
    ClientGone(IOException cause) {
      super(cause);
    }
  }

  /** Writes a spooled file's bytes. */
  interface Filler {
    void fill(OutputStream out) throws IOException;
  }

  private static PierException tooLarge(long limit, String what) {
    return new PierException(PierException.Kind.TOO_LARGE, "Upload too large", what + " is larger than the site's body limit of "
        + limit + " bytes: publish less, or raise the site's maxBodyBytes", null);
  }
}
