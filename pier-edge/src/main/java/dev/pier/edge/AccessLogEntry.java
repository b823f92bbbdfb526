package dev.pier.edge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * One finished request to a site as the combined log format needs it, formatted only when it is written
 * ({@link #writeTo}, {@link #line}): the request line, referer and user agent stay the bytes the client sent until
 * then. Quotes, backslashes and control characters in them are escaped, so a client cannot forge lines; each is cut
 * at {@link #MAX_FIELD} bytes.
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
    byte[] ref = referer == null ? new byte[0] : referer.getBytes(StandardCharsets.UTF_8);
    byte[] ua = agent == null ? new byte[0] : agent.getBytes(StandardCharsets.UTF_8);
    byte[] src = new byte[line.length + ref.length + ua.length];
    System.arraycopy(line, 0, src, 0, line.length);
    System.arraycopy(ref, 0, src, line.length, ref.length);
    System.arraycopy(ua, 0, src, line.length + ref.length, ua.length);
    int r = line.length;
    int a = r + ref.length;
    return new AccessLogEntry(client, epochMillis, src, new int[] {0, line.length, referer == null ? -1 : r, a,
        agent == null ? -1 : a, src.length}, status, bytes);
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
      } else if ((b >= 0 && b < 0x20) || b == 0x7f) {
        out.put((byte) '\\').put((byte) 'x').put(HEX[b >> 4]).put(HEX[b & 0xf]);
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
