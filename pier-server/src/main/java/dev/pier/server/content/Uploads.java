package dev.pier.server.content;

import dev.pier.edge.Route;
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
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Uploaded bodies, kept in {@code DATA-DIR/tmp} while they are published: never more than the site's body limit
 * (the one its visitors have, 100 MiB unless its owner set another), deleted when the publish ends.
 */
@Component
class Uploads {

  private final Path dir;

  Uploads(PierProperties props) {
    this.dir = props.dataDir().resolve("tmp");
    // What uploads cut short by a stop of Pier left.
    try (var left = Files.isDirectory(dir) ? Files.list(dir) : Stream.<Path>empty()) {
      left.filter(p -> p.getFileName().toString().startsWith("upload-")).forEach(Uploads::delete);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
  }

  /** The most a request to the site may send. */
  static long limit(Site s) {
    return s.web().maxBodyBytes() == null ? Route.Policy.DEFAULT_MAX_BODY : s.web().maxBodyBytes();
  }

  /** Copies {@code body} into a new file, refusing it when it is over {@code limit} bytes; the caller deletes it. */
  Path receive(InputStream body, long declaredLength, long limit, String what) {
    if (declaredLength > limit) {
      throw tooLarge(limit, what);
    }
    Path file;
    try {
      Files.createDirectories(dir);
      file = Files.createTempFile(dir, "upload-", ".part", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a file in " + dir, e);
    }
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int n; (n = body.read(buf)) > 0; ) {
        total += n;
        if (total > limit) {
          throw tooLarge(limit, what);
        }
        out.write(buf, 0, n);
      }
      return file;
    } catch (IOException | RuntimeException e) {
      delete(file);
      if (e instanceof IOException io) {
        throw PierException.invalid("Upload cut short", "the upload ended before its end: " + io.getMessage());
      }
      throw (RuntimeException) e;
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // left in DATA-DIR/tmp, which the next start empties
    }
  }

  private static PierException tooLarge(long limit, String what) {
    return new PierException(PierException.Kind.TOO_LARGE, "Upload too large", what + " is larger than the site's body limit of "
        + limit + " bytes: publish less, or raise the site's maxBodyBytes", null);
  }
}
