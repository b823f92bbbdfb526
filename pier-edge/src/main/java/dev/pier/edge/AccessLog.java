package dev.pier.edge;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Where the edge reports each request to a site, as one line in the combined log format. Called on an event loop
 * at the end of every exchange: implementations must not block (queue the line and write it elsewhere).
 */
@FunctionalInterface
public interface AccessLog {

  AccessLog NONE = new AccessLog() {
    @Override
    public void record(String site, String line) {
    }

    @Override
    public void record(String site, AccessLogEntry entry) {
    }
  };

  /** One finished request to {@code site} (its bare name), {@code line} without a line end. */
  void record(String site, String line);

  /**
   * The same, as its parts: implementations that write bytes format it there ({@link AccessLogEntry#writeTo}); by
   * default it is made a line of text at once.
   */
  default void record(String site, AccessLogEntry entry) {
    record(site, entry.line());
  }

  /**
   * A line in the combined log format: {@code client - - [time] "request" status bytes "referer" "agent"}. Pure.
   * Quotes and control characters in the request, referer and agent are escaped, so a client cannot forge lines.
   */
  static String combined(String client, ZonedDateTime at, String requestLine, int status, long bytes, String referer,
      String agent) {
    return AccessLogEntry.of(client, at.toInstant().toEpochMilli(), requestLine, status, bytes, referer, agent).line();
  }

  DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
}
