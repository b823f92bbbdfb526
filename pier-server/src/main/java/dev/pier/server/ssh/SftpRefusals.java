package dev.pier.server.ssh;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.server.common.PierException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pier's refusals as the file errors an SFTP client understands, their reasons Pier's words, never a host path. */
final class SftpRefusals {

  private static final Logger log = LoggerFactory.getLogger(SftpRefusals.class);

  private SftpRefusals() {}

  /** Runs {@code call} on the session's path {@code shown}, its failures made file errors. */
  static <T> T refusing(String shown, Supplier<T> call) throws IOException {
    try {
      return call.get();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (InvalidSiteNameException e) {
      throw new NoSuchFileException(shown, null, e.getMessage());
    } catch (IllegalStateException e) {
      // The engine's words may name paths on the host: logged, and the client told less.
      log.warn("SFTP on {}: {}", shown, e.getMessage());
      log.debug("SFTP on {}", shown, e);
      throw new FileSystemException(shown, null, "Pier could not reach the site's files: try again, or ask an admin");
    } catch (PierException e) {
      throw switch (e.kind()) {
        case NOT_FOUND -> new NoSuchFileException(shown, null, e.getMessage());
        case ALREADY_EXISTS -> new FileAlreadyExistsException(shown, null, e.getMessage());
        case INVALID, FORBIDDEN -> new AccessDeniedException(shown, null, e.getMessage());
        case NO_SPACE, TOO_LARGE -> new FileSystemException(shown, null, "No space left on device: " + e.getMessage());
        default -> new FileSystemException(shown, null, e.getMessage());
      };
    }
  }
}
