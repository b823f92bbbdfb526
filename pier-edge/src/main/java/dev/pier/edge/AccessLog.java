package dev.pier.edge;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Where the edge reports each request to a site, as one line in the combined log format. Called on an event loop
 * at the end of every exchange: implementations must not block (queue the line and write it elsewhere).
 */
@FunctionalInterface
public interface AccessLog {

  AccessLog NONE = (site, line) -> { };

  /** One finished request to {@code site} (its bare name), {@code line} without a line end. */
  void record(String site, String line);

  /**
   * A line in the combined log format: {@code client - - [time] "request" status bytes "referer" "agent"}. Pure.
   * Quotes and control characters in the request, referer and agent are escaped, so a client cannot forge lines.
   */
  static String combined(String client, ZonedDateTime at, String requestLine, int status, long bytes, String referer,
      String agent) {
    return combined(client, at.format(TIME), requestLine, status, bytes, referer, agent);
  }

  /** The same, at {@code epochMillis}, in UTC. */
  static String combined(String client, long epochMillis, String requestLine, int status, long bytes, String referer, String agent) {
    return combined(client, Clock.format(epochMillis / 1000), requestLine, status, bytes, referer, agent);
  }

  private static String combined(String client, String time, String requestLine, int status, long bytes, String referer,
      String agent) {
    return (client == null ? "-" : client) + " - - [" + time + "] \"" + clean(requestLine) + "\" " + status + " "
        + (bytes > 0 ? Long.toString(bytes) : "-") + " \"" + (referer == null ? "-" : clean(referer)) + "\" \""
        + (agent == null ? "-" : clean(agent)) + "\"";
  }

  DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  /** The log's time of the current second, formatted once per second rather than at every request. */
  final class Clock {
    private record Second(long epochSecond, String text) {}

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private Clock() {}

    static String format(long epochSecond) {
      Second s = last;
      if (s.epochSecond() != epochSecond) {
        s = new Second(epochSecond, Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC).format(TIME));
        last = s;
      }
      return s.text();
    }
  }

  private static String clean(String s) {
    for (int i = 0; ; i++) { // most lines need no escaping: no copy then
      if (i == s.length()) {
        return s.length() <= 4096 ? s : escape(s);
      }
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
        return escape(s);
      }
    }
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length() && b.length() < 4096; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
