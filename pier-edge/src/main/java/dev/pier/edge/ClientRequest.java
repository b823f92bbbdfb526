package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's request head as it came, and what the edge needs of it: checked line by line once ({@link #parse}), kept
 * as its bytes with where each header lies in them. {@link #writeUpstream} writes it again for the upstream by copying
 * the lines the edge keeps, so no header becomes an object. Touched on one event loop only.
 */
final class ClientRequest {

  /** What {@link #parse} refuses: answered with {@code status} and the connection closed. */
  static final class Refused extends Exception {
    final int status;

    Refused(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }
  }

  // What a header is to the edge (HeaderNames.kind): how it is read, and whether it goes upstream.
  static final int OTHER = 0;
  static final int HOST = 1;
  static final int CONTENT_LENGTH = 2;
  static final int TRANSFER_ENCODING = 3;
  static final int CONNECTION = 4;
  static final int EXPECT = 5;
  static final int UPGRADE = 6;
  static final int REFERER = 7;
  static final int USER_AGENT = 8;
  /** Hop-by-hop, or a forwarding header only the edge sets: never sent upstream as the client sent it. */
  static final int DROPPED = 9;

  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1\r\n");
  private static final byte[] CRLF = {'\r', '\n'};

  private final byte[] bytes;
  final String method;
  final String uri;
  final boolean http11;
  /** Where the version in the request line starts. */
  private final int versionStart;
  /** Per header: name start, name end (the colon), value start, value end, kind. */
  private final int[] fields;
  private final int count;
  final List<String> hosts;
  final List<String> transferEncodings;
  /** The declared body length, or -1. */
  final long contentLength;
  /** The body is chunked (Transfer-Encoding is "chunked" alone). */
  final boolean chunked;
  final boolean keepAlive;
  final boolean expectsContinue;
  /** The request asks to switch to WebSocket (GET, Connection: upgrade, Upgrade: websocket). */
  final boolean websocket;
  /** A header line was folded over several lines (obsolete line folding); refused by {@link RouteDecision}. */
  final boolean folded;
  /** Tokens of the Connection headers that name other headers to drop: offsets into {@link #bytes}, in pairs; null if none. */
  private final int[] namedInConnection;

  private ClientRequest(byte[] bytes, String method, String uri, boolean http11, int versionStart, int[] fields, int count,
      List<String> hosts, List<String> transferEncodings, long contentLength, boolean keepAlive, boolean expectsContinue,
      boolean websocket, boolean folded, int[] namedInConnection) {
    this.bytes = bytes;
    this.method = method;
    this.uri = uri;
    this.http11 = http11;
    this.versionStart = versionStart;
    this.fields = fields;
    this.count = count;
    this.hosts = hosts;
    this.transferEncodings = transferEncodings;
    this.contentLength = contentLength;
    this.chunked = transferEncodings.size() == 1 && HeaderBytes.equalsIgnoreCase(transferEncodings.get(0), "chunked");
    this.keepAlive = keepAlive;
    this.expectsContinue = expectsContinue;
    this.websocket = websocket;
    this.folded = folded;
    this.namedInConnection = namedInConnection;
  }

  /** The head's length in bytes. */
  int length() {
    return bytes.length;
  }

  /** The first Host header, or null. */
  String host() {
    return hosts.isEmpty() ? null : hosts.get(0);
  }

  /** Whether a body follows the head: chunked, or a length above 0. */
  boolean hasBody() {
    return chunked || contentLength > 0;
  }

  /** Whether a body follows whose end the edge cannot tell (a Transfer-Encoding other than chunked alone). */
  boolean unframed() {
    return !transferEncodings.isEmpty() && !chunked;
  }

  /** What routing needs of it. */
  RequestHead routing() {
    return new RequestHead(method, uri, http11, hosts, transferEncodings, contentLength, folded);
  }

  /** The access log's entry of this request: its request line, referer and user agent as the client sent them. */
  AccessLogEntry logEntry(String client, long epochMillis, int status, long sent) {
    int[] spans = {-1, -1, -1, -1};
    for (int i = 0; i < count; i++) {
      int kind = fields[i * 5 + 4];
      int at = kind == REFERER ? 0 : kind == USER_AGENT ? 2 : -1;
      if (at >= 0 && spans[at] < 0) {
        spans[at] = fields[i * 5 + 2];
        spans[at + 1] = fields[i * 5 + 3];
      }
    }
    return AccessLogEntry.of(client, epochMillis, status, sent, bytes, 0, versionStart + 8, bytes, spans[0], spans[1],
        bytes, spans[2], spans[3]);
  }

  /**
   * Writes the head for the upstream: the request line in HTTP/1.1, the client's header lines as they came but those
   * the edge drops (hop-by-hop ones, those named in Connection but the framing ones, Expect, every forwarding header),
   * then {@code Upgrade} and {@code Connection} again for WebSocket, then {@code forwarding} (the lines the edge
   * sets, each ending in CRLF) and the blank line.
   */
  void writeUpstream(ByteBuf out, byte[] forwarding) {
    out.writeBytes(bytes, 0, versionStart).writeBytes(HTTP_1_1);
    for (int i = 0; i < count; i++) {
      int f = i * 5;
      int kind = fields[f + 4];
      if (kind == DROPPED || kind == CONNECTION || kind == EXPECT || kind == UPGRADE
          || (namedInConnection != null && kind != HOST && kind != CONTENT_LENGTH && kind != TRANSFER_ENCODING
              && namedInConnection(fields[f], fields[f + 1]))) {
        continue;
      }
      out.writeBytes(bytes, fields[f], fields[f + 3] - fields[f]).writeBytes(CRLF);
    }
    if (websocket) {
      out.writeBytes(WEBSOCKET);
    }
    out.writeBytes(forwarding).writeBytes(CRLF);
  }

  private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};

  /**
   * A part of a request body as it goes upstream: its data ({@code data}, taken over), in a chunk of its own when the
   * request is chunked; or its end ({@code end}: when chunked, the last chunk, the trailers and the blank line).
   */
  static ByteBuf upstreamBody(boolean chunked, ByteBuf data, RequestReader.End end, ByteBufAllocator alloc) {
    if (!chunked) {
      return end != null ? Unpooled.EMPTY_BUFFER : data;
    }
    if (end != null) {
      return alloc.buffer(5 + end.trailers().length).writeBytes(LAST_CHUNK).writeBytes(end.trailers()).writeBytes(CRLF);
    }
    ByteBuf size = alloc.buffer(18);
    size.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
    size.writeBytes(CRLF);
    return alloc.compositeBuffer(3).addComponents(true, size, data, Unpooled.wrappedBuffer(CRLF));
  }

  private static final byte[] WEBSOCKET = ascii("upgrade: websocket\r\nconnection: upgrade\r\n");

  private boolean namedInConnection(int ns, int ne) {
    for (int i = 0; i < namedInConnection.length; i += 2) {
      int ts = namedInConnection[i];
      int te = namedInConnection[i + 1];
      if (te - ts == ne - ns && HeaderBytes.equalsIgnoreCase(bytes, ts, bytes, ns, ne - ns)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads a whole head: request line, header lines and the blank line, each ending in CRLF (the caller found the
   * lines so, {@link RequestReader}).
   *
   * @throws Refused when it is not a request the edge passes on: 400, or 505 for an HTTP version but 1.0 and 1.1
   */
  static ClientRequest parse(byte[] a) throws Refused {
    int end = a.length;
    int lineEnd = HeaderBytes.indexOf(a, 0, end, '\n') - 1; // (every line ends in CRLF: RequestReader saw to it)
    int sp1 = HeaderBytes.indexOf(a, 0, lineEnd, ' ');
    if (sp1 <= 0 || !HeaderBytes.token(a, 0, sp1)) {
      throw new Refused(400, "The request line is not \"METHOD TARGET HTTP/1.1\".");
    }
    int sp2 = HeaderBytes.indexOf(a, sp1 + 1, lineEnd, ' ');
    if (sp2 <= sp1 + 1 || !HeaderBytes.target(a, sp1 + 1, sp2)) {
      throw new Refused(400, "The request line is not \"METHOD TARGET HTTP/1.1\".");
    }
    boolean http11 = HeaderBytes.matches(a, sp2 + 1, lineEnd, "HTTP/1.1");
    if (!http11 && !HeaderBytes.matches(a, sp2 + 1, lineEnd, "HTTP/1.0")) {
      throw lineEnd - sp2 - 1 == 8 && HeaderBytes.matches(a, sp2 + 1, sp2 + 6, "HTTP/") && HeaderBytes.digit(a[sp2 + 6])
          && a[sp2 + 7] == '.' && HeaderBytes.digit(a[sp2 + 8])
          ? new Refused(505, "The edge speaks HTTP/1.1 and HTTP/1.0 only.")
          : new Refused(400, "The request line is not \"METHOD TARGET HTTP/1.1\".");
    }
    String method = HeaderBytes.method(a, sp1);
    String uri = new String(a, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
    int[] fields = new int[5 * 12];
    int count = 0;
    List<String> hosts = List.of();
    List<String> codings = List.of();
    long length = -1;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean upgradeToken = false;
    boolean expect = false;
    boolean websocketUpgrade = false;
    boolean folded = false;
    int[] named = null;
    for (int pos = lineEnd + 2; pos < end; ) {
      int next = HeaderBytes.indexOf(a, pos, end, '\n') + 1;
      int le = next - 2;
      if (le == pos) {
        break; // the blank line
      }
      if (a[pos] == ' ' || a[pos] == '\t') {
        folded = true; // refused (RouteDecision); the line is not kept
        pos = next;
        continue;
      }
      int colon = HeaderBytes.indexOf(a, pos, le, ':');
      if (colon <= pos || !HeaderBytes.token(a, pos, colon)) {
        throw new Refused(400, "A header line is not \"name: value\".");
      }
      int vs = colon + 1;
      int ve = le;
      while (vs < ve && (a[vs] == ' ' || a[vs] == '\t')) {
        vs++;
      }
      while (ve > vs && (a[ve - 1] == ' ' || a[ve - 1] == '\t')) {
        ve--;
      }
      if (!HeaderBytes.fieldValue(a, vs, ve)) {
        throw new Refused(400, "A header value has a control character.");
      }
      int kind = HeaderBytes.kind(a, pos, colon);
      switch (kind) {
        case HOST -> hosts = add(hosts, HeaderBytes.string(a, vs, ve));
        case CONTENT_LENGTH -> {
          if (length >= 0) {
            throw new Refused(400, "The request has more than one Content-Length.");
          }
          length = HeaderBytes.digits(a, vs, ve);
          if (length < 0) {
            throw new Refused(400, "The request's Content-Length is not a number.");
          }
        }
        case TRANSFER_ENCODING -> codings = add(codings, HeaderBytes.string(a, vs, ve));
        case CONNECTION -> {
          for (int t = vs; t < ve; ) {
            int comma = HeaderBytes.indexOf(a, t, ve, ',');
            int te = comma < 0 ? ve : comma;
            int ts = t;
            while (ts < te && (a[ts] == ' ' || a[ts] == '\t')) {
              ts++;
            }
            int tEnd = te;
            while (tEnd > ts && (a[tEnd - 1] == ' ' || a[tEnd - 1] == '\t')) {
              tEnd--;
            }
            if (HeaderBytes.equalsIgnoreCase(a, ts, tEnd, "close")) {
              close = true;
            } else if (HeaderBytes.equalsIgnoreCase(a, ts, tEnd, "keep-alive")) {
              keepAliveToken = true;
            } else if (HeaderBytes.equalsIgnoreCase(a, ts, tEnd, "upgrade")) {
              upgradeToken = true;
            } else if (tEnd > ts) {
              named = named == null ? new int[] {ts, tEnd} : append(named, ts, tEnd);
            }
            t = te + 1;
          }
        }
        case EXPECT -> expect |= HeaderBytes.equalsIgnoreCase(a, vs, ve, "100-continue");
        case UPGRADE -> websocketUpgrade = HeaderBytes.equalsIgnoreCase(a, vs, ve, "websocket");
        default -> { }
      }
      if (count * 5 == fields.length) {
        fields = java.util.Arrays.copyOf(fields, fields.length * 2);
      }
      int f = count * 5;
      fields[f] = pos;
      fields[f + 1] = colon;
      fields[f + 2] = vs;
      fields[f + 3] = ve;
      fields[f + 4] = kind;
      count++;
      pos = next;
    }
    if (length >= 0 && !codings.isEmpty()) {
      throw new Refused(400, "The request has both Content-Length and Transfer-Encoding.");
    }
    if (!http11 && !codings.isEmpty()) {
      throw new Refused(400, "An HTTP/1.0 request cannot have a Transfer-Encoding.");
    }
    boolean keepAlive = !close && (http11 || keepAliveToken);
    boolean websocket = upgradeToken && websocketUpgrade && "GET".equals(method);
    return new ClientRequest(a, method, uri, http11, sp2 + 1, fields, count, hosts, codings, length, keepAlive,
        expect && http11, websocket, folded, named);
  }

  private static List<String> add(List<String> list, String value) {
    if (list.isEmpty()) {
      return List.of(value);
    }
    List<String> more = new ArrayList<>(list);
    more.add(value);
    return List.copyOf(more);
  }

  private static int[] append(int[] a, int x, int y) {
    int[] b = java.util.Arrays.copyOf(a, a.length + 2);
    b[a.length] = x;
    b[a.length + 1] = y;
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
