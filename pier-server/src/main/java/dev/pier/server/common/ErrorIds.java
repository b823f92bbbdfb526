package dev.pier.server.common;

import dev.pier.engine.container.SiteFault;
import dev.pier.engine.content.ContentException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unexpected failures (a bug, a database that went away, a command the host refused): logged whole with a short id,
 * and answered with that id only, so that what a user reports can be found in Pier's log and nothing internal
 * (commands, their output, host paths) is shown.
 */
public final class ErrorIds {

  private static final Logger log = LoggerFactory.getLogger(ErrorIds.class);

  private ErrorIds() {}

  /** Logs the failure of {@code what} under a new id, and returns the id. */
  public static String logged(String what, Throwable e) {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    log.error("unexpected error {} in {}", id, what, e);
    return id;
  }

  /** What the user is told: the id to quote. */
  public static String message(String id) {
    return "something went wrong on the server (error " + id + "); an administrator can find it in Pier's log";
  }

  /**
   * What a user may read of {@code e}, a failure while doing {@code what}: its own message if it is a refusal or the
   * site's own fault, else a short message with an id under which the whole failure is logged.
   */
  public static String shown(String what, RuntimeException e) {
    if (e instanceof PierException p && p.kind() != PierException.Kind.FAILED || e instanceof SiteFault
        || e instanceof ContentException) {
      return e.getMessage();
    }
    String id = logged(what, e);
    return "the host could not do it (error " + id + "; an administrator can find it in Pier's log)";
  }
}
