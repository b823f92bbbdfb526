package dev.pier.server.web;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unexpected failures (a bug, a database that went away): logged whole with a short id, and answered with that id
 * only, so that what a user reports can be found in Pier's log and nothing internal is shown.
 */
final class ErrorIds {

  private static final Logger log = LoggerFactory.getLogger(ErrorIds.class);

  private ErrorIds() {}

  /** Logs the failure of {@code what} under a new id, and returns the id. */
  static String logged(String what, Throwable e) {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    log.error("unexpected error {} in {}", id, what, e);
    return id;
  }

  /** What the user is told: the id to quote. */
  static String message(String id) {
    return "something went wrong on the server (error " + id + "); an administrator can find it in Pier's log";
  }
}
