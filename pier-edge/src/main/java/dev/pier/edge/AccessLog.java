package dev.pier.edge;

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
  static String combined(String client, java.time.ZonedDateTime at, String requestLine, int status, long bytes, String referer,
      String agent) {
    return (client == null ? "-" : client) + " - - [" + at.format(TIME) + "] \"" + clean(requestLine) + "\" " + status + " "
        + (bytes > 0 ? Long.toString(bytes) : "-") + " \"" + (referer == null ? "-" : clean(referer)) + "\" \""
        + (agent == null ? "-" : clean(agent)) + "\"";
  }

  java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ROOT);

  private static String clean(String s) {
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
