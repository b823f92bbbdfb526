package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A response head as an upstream sent it: its bytes, where each header line lies in them, and what the edge must
 * know of it (status, framing, keep-alive). {@link #encode} writes it again for the client by copying the lines it
 * keeps and appending the few the edge sets, without turning headers into objects. Made by {@link ResponseReader};
 * holds a slice of what was read, so it is released like a buffer.
 */
final class UpstreamHead {

  /** Drop the hop-by-hop headers (Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade, and those Connection names). */
  static final int DROP_HOP_BY_HOP = 1;
  static final int DROP_TRANSFER_ENCODING = 2;
  static final int DROP_CONTENT_LENGTH = 4;
  static final int DROP_HSTS = 8;
  /** Drop Connection and Upgrade only (the answer to a WebSocket upgrade sets them itself). */
  static final int DROP_CONNECTION_UPGRADE = 16;
  /** Not a drop: a {@code Set-Cookie} with a Domain attribute is passed without it ({@link SetCookies}). */
  static final int COOKIE_DOMAIN = 32;

  private static final byte[][] HOP_BY_HOP = names("keep-alive", "proxy-connection", "te", "trailer");
  private static final byte[] HOST = ascii("host");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] UPGRADE = ascii("upgrade");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] HSTS = ascii("strict-transport-security");
  private static final byte[] SET_COOKIE = ascii("set-cookie");
  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");

  private final byte[] bytes;
  private final int status;
  private final boolean http11;
  /** Where the status line's text after the version starts (" 200 OK"), and where it ends. */
  private final int reasonStart;
  private final int statusLineEnd;
  /** Per header: name start, name end (the colon), value start, value end (offsets into {@link #bytes}), and the
   *  {@code DROP_} flags that drop it. */
  private final int[] fields;
  private final int count;
  private final long contentLength;
  private final boolean chunked;
  private final boolean hasTransferEncoding;
  private final boolean keepAlive;

  private UpstreamHead(byte[] bytes, int status, boolean http11, int reasonStart, int statusLineEnd, int[] fields, int count,
      long contentLength, boolean chunked, boolean hasTransferEncoding, boolean keepAlive) {
    this.bytes = bytes;
    this.status = status;
    this.http11 = http11;
    this.reasonStart = reasonStart;
    this.statusLineEnd = statusLineEnd;
    this.fields = fields;
    this.count = count;
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.hasTransferEncoding = hasTransferEncoding;
    this.keepAlive = keepAlive;
  }

  private static byte[] ascii(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }



  private static byte[][] names(String... names) {
    return Arrays.stream(names).map(n -> n.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
  }

  /** The status code. */
  int status() {
    return status;
  }

  /** The declared body length, or -1: none, or a Transfer-Encoding (which takes precedence). */
  long contentLength() {
    return hasTransferEncoding ? -1 : contentLength;
  }

  /** Whether the body is chunked (Transfer-Encoding ending in chunked). */
  boolean chunked() {
    return chunked;
  }

  /** Whether the body runs until the upstream closes the connection (a Transfer-Encoding other than chunked, or no length). */
  boolean untilClose() {
    return !chunked && contentLength() < 0;
  }

  /** Whether the upstream keeps the connection open after this response. */
  boolean keepAlive() {
    return keepAlive;
  }

  /**
   * Parses the head in {@code in}'s bytes [{@code from}, {@code to}): the status line, header lines and the blank
   * line. Reads nothing from {@code in}.
   *
   * @throws IllegalArgumentException naming what is wrong when it is not a response head the edge passes on
   */
  static UpstreamHead parse(ByteBuf in, int from, int to) {
    byte[] a = new byte[to - from];
    in.getBytes(from, a);
    int end = a.length;
    int lf = HeaderBytes.indexOf(a, 0, end, '\n');
    int lineEnd = HeaderBytes.trimCr(a, 0, lf);
    if (lineEnd < 12 || !startsWith(a, 0, "HTTP/1.") || a[8] != ' ') {
      throw new IllegalArgumentException("not an HTTP/1.x status line");
    }
    byte minor = a[7];
    if (minor != '0' && minor != '1') {
      throw new IllegalArgumentException("HTTP version other than 1.0 and 1.1");
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      if (a[i] < '0' || a[i] > '9') {
        throw new IllegalArgumentException("status code not three digits");
      }
      status = status * 10 + (a[i] - '0');
    }
    if (lineEnd > 12 && a[12] != ' ') {
      throw new IllegalArgumentException("status code not three digits");
    }
    boolean http11 = minor == '1';
    int[] fields = new int[5 * 16];
    int count = 0;
    long length = -1;
    boolean chunked = false;
    boolean te = false;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean namesOthers = false;
    for (int pos = lf + 1; pos < end; ) {
      int next = HeaderBytes.indexOf(a, pos, end, '\n');
      if (next < 0) {
        throw new IllegalArgumentException("a head without its blank line");
      }
      int le = HeaderBytes.trimCr(a, pos, next);
      if (le == pos) {
        break; // the blank line
      }
      if (a[pos] == ' ' || a[pos] == '\t') {
        throw new IllegalArgumentException("a header folded over several lines");
      }
      int colon = HeaderBytes.indexOf(a, pos, le, ':');
      if (colon <= pos || !HeaderBytes.token(a, pos, colon)) {
        throw new IllegalArgumentException("a header line that is not \"name: value\"");
      }
      int vs = colon + 1;
      int ve = le;
      while (vs < ve && HeaderBytes.isOws(a[vs])) {
        vs++;
      }
      while (ve > vs && HeaderBytes.isOws(a[ve - 1])) {
        ve--;
      }
      if (count * 5 == fields.length) {
        fields = Arrays.copyOf(fields, fields.length * 2);
      }
      int f = count * 5;
      fields[f] = pos;
      fields[f + 1] = colon;
      fields[f + 2] = vs;
      fields[f + 3] = ve;
      fields[f + 4] = drops(a, pos, colon);
      if (HeaderBytes.nameIs(a, pos, colon, SET_COOKIE) && SetCookies.hasDomain(new String(a, vs, ve - vs, StandardCharsets.ISO_8859_1))) {
        fields[f + 4] |= COOKIE_DOMAIN;
      }
      count++;
      if (HeaderBytes.nameIs(a, pos, colon, CONTENT_LENGTH)) {
        if (length >= 0) {
          throw new IllegalArgumentException("more than one Content-Length");
        }
        length = HeaderBytes.digits(a, vs, ve);
        if (length < 0) {
          throw new IllegalArgumentException("a Content-Length that is not a number");
        }
      } else if (HeaderBytes.nameIs(a, pos, colon, TRANSFER_ENCODING)) {
        te = true;
        chunked = lastTokenIs(a, vs, ve, "chunked");
      } else if (HeaderBytes.nameIs(a, pos, colon, CONNECTION)) {
        close |= HeaderBytes.hasToken(a, vs, ve, CLOSE, 0, CLOSE.length);
        keepAliveToken |= HeaderBytes.hasToken(a, vs, ve, KEEP_ALIVE, 0, KEEP_ALIVE.length);
        namesOthers |= namesOthers(a, vs, ve);
      }
      pos = next + 1;
    }
    if (namesOthers) { // headers named in Connection are hop-by-hop too, but those that frame the message
      for (int i = 0; i < count; i++) {
        int f = i * 5;
        boolean framing = (fields[f + 4] & (DROP_CONTENT_LENGTH | DROP_TRANSFER_ENCODING)) != 0
            || HeaderBytes.nameIs(a, fields[f], fields[f + 1], HOST);
        if (!framing && namedInConnection(a, fields, count, f)) {
          fields[f + 4] |= DROP_HOP_BY_HOP;
        }
      }
    }
    boolean keepAlive = !close && (http11 || keepAliveToken);
    return new UpstreamHead(a, status, http11, 8, lineEnd, fields, count, length, chunked, te, keepAlive);
  }

  /**
   * The head for the client: {@code HTTP/1.1}, the upstream's status text, its header lines but those {@code drop}
   * names, then {@code added} (whole lines, each ending in CRLF) and the blank line.
   */
  ByteBuf encode(ByteBufAllocator alloc, int drop, String added) {
    byte[] src = bytes;
    ByteBuf out = alloc.buffer(src.length + added.length() + 16);
    out.writeBytes(HTTP_1_1);
    out.writeBytes(src, reasonStart, statusLineEnd - reasonStart);
    out.writeByte('\r').writeByte('\n');
    for (int i = 0; i < count; i++) {
      int f = i * 5;
      int flags = fields[f + 4];
      if ((flags & drop) != 0) {
        continue;
      }
      if ((flags & COOKIE_DOMAIN) != 0) {
        out.writeBytes(src, fields[f], fields[f + 2] - fields[f]);
        out.writeCharSequence(SetCookies.hostOnly(new String(src, fields[f + 2], fields[f + 3] - fields[f + 2], StandardCharsets.ISO_8859_1)),
            StandardCharsets.ISO_8859_1);
        out.writeByte('\r').writeByte('\n');
      } else {
        out.writeBytes(src, fields[f], fields[f + 3] - fields[f]).writeByte('\r').writeByte('\n');
      }
    }
    out.writeCharSequence(added, StandardCharsets.US_ASCII);
    out.writeByte('\r').writeByte('\n');
    return out;
  }

  /** The {@code DROP_} flags that drop a header of this name (not counting those named in Connection). */
  private static int drops(byte[] a, int ns, int ne) {
    if (HeaderBytes.nameIs(a, ns, ne, TRANSFER_ENCODING)) {
      return DROP_TRANSFER_ENCODING;
    } else if (HeaderBytes.nameIs(a, ns, ne, CONTENT_LENGTH)) {
      return DROP_CONTENT_LENGTH;
    } else if (HeaderBytes.nameIs(a, ns, ne, HSTS)) {
      return DROP_HSTS;
    } else if (HeaderBytes.nameIs(a, ns, ne, CONNECTION) || HeaderBytes.nameIs(a, ns, ne, UPGRADE)) {
      return DROP_CONNECTION_UPGRADE | DROP_HOP_BY_HOP;
    }
    for (byte[] name : HOP_BY_HOP) {
      if (HeaderBytes.nameIs(a, ns, ne, name)) {
        return DROP_HOP_BY_HOP;
      }
    }
    return 0;
  }

  /** Whether a Connection value names a header other than the usual tokens (close, keep-alive, upgrade). */
  private static boolean namesOthers(byte[] a, int from, int to) {
    for (int t = from; t < to; ) {
      int comma = HeaderBytes.indexOf(a, t, to, ',');
      int e = comma < 0 ? to : comma;
      int s = t;
      while (s < e && HeaderBytes.isOws(a[s])) {
        s++;
      }
      while (e > s && HeaderBytes.isOws(a[e - 1])) {
        e--;
      }
      if (e > s && !HeaderBytes.equalsIgnoreCase(a, s, e, "close") && !HeaderBytes.equalsIgnoreCase(a, s, e, "keep-alive")
          && !HeaderBytes.equalsIgnoreCase(a, s, e, "upgrade")) {
        return true;
      }
      t = (comma < 0 ? to : comma) + 1;
    }
    return false;
  }

  /** Whether the header at {@code f} is named in one of the Connection headers. */
  private static boolean namedInConnection(byte[] a, int[] fields, int count, int f) {
    for (int i = 0; i < count; i++) {
      int c = i * 5;
      if (HeaderBytes.nameIs(a, fields[c], fields[c + 1], CONNECTION)
          && HeaderBytes.hasToken(a, fields[c + 2], fields[c + 3], a, fields[f], fields[f + 1])) {
        return true;
      }
    }
    return false;
  }

  /** The head as a Netty response (for HTTP/2 clients), every header as the upstream sent it. */
  HttpResponse toResponse() {
    byte[] src = bytes;
    String reason = new String(src, reasonStart + 4, Math.max(0, statusLineEnd - reasonStart - 4), StandardCharsets.ISO_8859_1).strip();
    HttpResponse response = new DefaultHttpResponse(http11 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
        new HttpResponseStatus(status, reason.isEmpty() ? HttpResponseStatus.valueOf(status).reasonPhrase() : reason), false);
    for (int i = 0; i < count; i++) {
      int f = i * 5;
      String value = new String(src, fields[f + 2], fields[f + 3] - fields[f + 2], StandardCharsets.ISO_8859_1);
      response.headers().add(new String(src, fields[f], fields[f + 1] - fields[f], StandardCharsets.ISO_8859_1),
          (fields[f + 4] & COOKIE_DOMAIN) != 0 ? SetCookies.hostOnly(value) : value);
    }
    return response;
  }

  private static boolean startsWith(byte[] a, int at, String s) {
    return a.length >= at + s.length() && HeaderBytes.matches(a, at, at + s.length(), s);
  }

  private static boolean lastTokenIs(byte[] a, int from, int to, String token) {
    int s = from;
    for (int i = to - 1; i >= from; i--) {
      if (a[i] == ',') {
        s = i + 1;
        break;
      }
    }
    while (s < to && HeaderBytes.isOws(a[s])) {
      s++;
    }
    if (to - s != token.length()) {
      return false;
    }
    for (int k = 0; k < token.length(); k++) {
      if ((a[s + k] >= 'A' && a[s + k] <= 'Z' ? a[s + k] + 32 : a[s + k]) != token.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
