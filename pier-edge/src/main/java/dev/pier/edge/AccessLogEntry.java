package dev.pier.edge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * One finished request to a site as the combined log format needs it, formatted only when it is written
 * ({@link #writeTo}, {@link #line}): the request line, referer and user agent stay the bytes the client sent until
 * then (a copy of those alone). Quotes and backslashes in them are escaped with a backslash, control characters and
 * bytes above ASCII as {@code \xhh}, as Apache does, so a client cannot forge lines; each is cut at {@link #MAX_FIELD}
 * bytes.
 */
public final class AccessLogEntry {

  static final int MAX_FIELD = 4096;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final String client;
  private final long epochMillis;
  /** Where the request line, referer and user agent lie: offsets into {@link #src}, a start and an end each; -1: none. */
  private final byte[] src;
  private final int[] spans;
  private final int status;
  private final long bytes;

  AccessLogEntry(String client, long epochMillis, byte[] src, int[] spans, int status, long bytes) {
    this.client = client;
    this.epochMillis = epochMillis;
    this.src = src;
    this.spans = spans;
    this.status = status;
    this.bytes = bytes;
  }

  /** An entry of text values ({@code referer} and {@code agent} may be null). */
  static AccessLogEntry of(String client, long epochMillis, String requestLine, int status, long bytes, String referer, String agent) {
    byte[] line = requestLine.getBytes(StandardCharsets.UTF_8);
    byte[] ref = referer == null ? null : referer.getBytes(StandardCharsets.UTF_8);
    byte[] ua = agent == null ? null : agent.getBytes(StandardCharsets.UTF_8);
    return of(client, epochMillis, status, bytes, line, 0, line.length, ref, 0, ref == null ? -1 : ref.length, ua, 0,
        ua == null ? -1 : ua.length);
  }

  /**
   * An entry of the request line, referer and user agent that lie in these bytes ({@code to} -1: none), copied (at
   * most {@link #MAX_FIELD} bytes of each), so that the entry holds nothing else of the request while it waits.
   */
  static AccessLogEntry of(String client, long epochMillis, int status, long bytes, byte[] line, int lineFrom, int lineTo,
      byte[] ref, int refFrom, int refTo, byte[] ua, int uaFrom, int uaTo) {
    int l = Math.min(lineTo - lineFrom, MAX_FIELD);
    int r = refTo < 0 ? 0 : Math.min(refTo - refFrom, MAX_FIELD);
    int a = uaTo < 0 ? 0 : Math.min(uaTo - uaFrom, MAX_FIELD);
    byte[] src = new byte[l + r + a];
    System.arraycopy(line, lineFrom, src, 0, l);
    if (refTo >= 0) {
      System.arraycopy(ref, refFrom, src, l, r);
    }
    if (uaTo >= 0) {
      System.arraycopy(ua, uaFrom, src, l + r, a);
    }
    return new AccessLogEntry(client, epochMillis, src, new int[] {0, l, refTo < 0 ? -1 : l, l + r, uaTo < 0 ? -1 : l + r,
        l + r + a}, status, bytes);
  }

  /** The most bytes {@link #writeTo} writes, its line end included. */
  public int maxLength() {
    return 128 + (client == null ? 1 : client.length()) + 3 * (MAX_FIELD + 4);
  }

  /** Writes the line and its line end; {@code out} has {@link #maxLength} bytes of room. */
  public void writeTo(ByteBuffer out) {
    ascii(out, client == null ? "-" : client);
    ascii(out, " - - [");
    out.put(Clock.bytes(epochMillis / 1000));
    ascii(out, "] \"");
    field(out, 0);
    out.put((byte) '"').put((byte) ' ');
    number(out, status);
    out.put((byte) ' ');
    if (bytes > 0) {
      number(out, bytes);
    } else {
      out.put((byte) '-');
    }
    ascii(out, " \"");
    field(out, 2);
    ascii(out, "\" \"");
    field(out, 4);
    out.put((byte) '"').put((byte) '\n');
  }

  /** The line as text, without its line end. */
  public String line() {
    ByteBuffer out = ByteBuffer.allocate(maxLength());
    writeTo(out);
    return new String(out.array(), 0, out.position() - 1, StandardCharsets.UTF_8);
  }

  private void field(ByteBuffer out, int span) {
    int from = spans[span];
    if (from < 0) {
      out.put((byte) '-');
      return;
    }
    int limit = out.position() + MAX_FIELD;
    for (int i = from, to = spans[span + 1]; i < to && out.position() < limit; i++) {
      byte b = src[i];
      if (b == '"' || b == '\\') {
        out.put((byte) '\\').put(b);
      } else if (b < 0x20 || b == 0x7f) { // (bytes above ASCII are negative)
        out.put((byte) '\\').put((byte) 'x').put(HEX[(b >> 4) & 0xf]).put(HEX[b & 0xf]);
      } else {
        out.put(b);
      }
    }
  }

  private static void ascii(ByteBuffer out, String s) {
    for (int i = 0; i < s.length(); i++) {
      out.put((byte) s.charAt(i));
    }
  }

  private static void number(ByteBuffer out, long n) {
    if (n >= 10) {
      number(out, n / 10);
    }
    out.put((byte) ('0' + n % 10));
  }

  /** The log's time of the current second, formatted once per second rather than at every request. */
  static final class Clock {
    private record Second(long epochSecond, byte[] bytes) {}

    private static volatile Second last = new Second(Long.MIN_VALUE, new byte[0]);

    private Clock() {}

    static byte[] bytes(long epochSecond) {
      Second s = last;
      if (s.epochSecond() != epochSecond) {
        String text = Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC).format(AccessLog.TIME);
        s = new Second(epochSecond, text.getBytes(StandardCharsets.US_ASCII));
        last = s;
      }
      return s.bytes();
    }
  }
}
