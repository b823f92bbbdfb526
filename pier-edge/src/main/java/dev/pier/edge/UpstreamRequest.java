package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The request head for the upstream, made from the bytes the client sent (as {@link HeadScanner} kept them, after
 * Netty's decoder found them valid) with the changes {@link ProxyHeaders#forUpstream} makes to the decoded request:
 * HTTP/1.1; hop-by-hop headers, those named in {@code Connection}, {@code Expect} and every forwarding header the
 * client sent dropped; {@code X-Forwarded-*} and {@code Forwarded} set by the edge. Other lines go as they came.
 */
final class UpstreamRequest {

  private static final byte[][] DROPPED = names("connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
      "expect", "forwarded", "x-forwarded-prefix", "x-forwarded-ssl", "x-forwarded-scheme", "x-real-ip", "x-forwarded-server",
      "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port");
  private static final byte[][] FRAMING = names("content-length", "transfer-encoding", "host");
  private static final byte[] CONNECTION = "connection".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP_1_1 = "HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

  private UpstreamRequest() {}

  private static byte[][] names(String... names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  /**
   * The head, or null when {@code raw} is not, line for line, the head Netty's decoder made {@code decoded} of
   * (then {@code decoded} is sent instead): the bytes go upstream only when they say exactly what was validated.
   *
   * @param raw the client's head, request line to blank line
   * @param decoded the request as decoded from it, not yet changed
   * @param websocket whether the request asks for WebSocket (Upgrade and Connection are then set again)
   * @param client the client's address and {@code clientText} the same as text; null when unknown
   * @param host the request's Host header as decoded, or null
   * @param port the edge's port the client came to, as text
   */
  static ByteBuf head(byte[] raw, HttpRequest decoded, ByteBufAllocator alloc, boolean websocket,
      InetAddress client, String clientText, boolean tls, String host, String port) {
    int end = raw.length;
    int lf = UpstreamHead.indexOf(raw, 0, end, '\n');
    int lineEnd = lf < 0 ? -1 : UpstreamHead.trimCr(raw, 0, lf);
    int version = -1;
    for (int i = lineEnd - 1; i > 0; i--) {
      if (raw[i] == ' ') {
        version = i + 1;
        break;
      }
    }
    int target = UpstreamHead.indexOf(raw, 0, Math.max(0, lineEnd), ' ') + 1;
    if (version < 0 || target <= 0 || target >= version || !same(raw, 0, target - 1, decoded.method().name())
        || !same(raw, target, version - 1, decoded.uri()) || !same(raw, version, lineEnd, decoded.protocolVersion().text())) {
      return null;
    }
    var fields = decoded.headers().iteratorCharSequence();
    ByteBuf out = alloc.buffer(end + 256);
    out.writeBytes(raw, 0, version).writeBytes(HTTP_1_1);
    for (int pos = lf + 1; pos < end; ) {
      int next = UpstreamHead.indexOf(raw, pos, end, '\n');
      int le = next < 0 ? -1 : UpstreamHead.trimCr(raw, pos, next);
      if (le <= pos) {
        break; // the blank line (or the end)
      }
      int colon = UpstreamHead.indexOf(raw, pos, le, ':');
      int vs = colon + 1;
      int ve = le;
      while (vs < ve && UpstreamHead.isOws(raw[vs])) {
        vs++;
      }
      while (ve > vs && UpstreamHead.isOws(raw[ve - 1])) {
        ve--;
      }
      var field = fields.hasNext() ? fields.next() : null;
      if (colon <= pos || field == null || !same(raw, pos, colon, field.getKey()) || !same(raw, vs, ve, field.getValue())) {
        out.release();
        return null; // not the head that was decoded
      }
      if (!dropped(raw, pos, colon, lf + 1, end)) {
        out.writeBytes(raw, pos, ve - pos).writeByte('\r').writeByte('\n');
      }
      pos = next + 1;
    }
    if (fields.hasNext()) {
      out.release();
      return null;
    }
    if (websocket) {
      line(out, "upgrade", "websocket");
      line(out, "connection", "upgrade");
    }
    if (client != null) {
      line(out, "x-forwarded-for", clientText);
    }
    line(out, "x-forwarded-proto", tls ? "https" : "http");
    line(out, "forwarded", ProxyHeaders.forwarded(client, clientText, tls, host));
    if (host != null) {
      line(out, "x-forwarded-host", host);
    }
    line(out, "x-forwarded-port", port);
    out.writeByte('\r').writeByte('\n');
    return out;
  }

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};

  /**
   * A part of the request body for the upstream, as bytes: its data, in a chunk of its own when the request is
   * chunked (the last part: the last chunk, trailers and blank line). {@code part} is taken over.
   */
  static ByteBuf body(HttpContent part, boolean chunked, ByteBufAllocator alloc) {
    ByteBuf data = part.content();
    if (!chunked) {
      return data;
    }
    boolean last = part instanceof LastHttpContent;
    CompositeByteBuf out = alloc.compositeBuffer(4);
    if (data.isReadable()) {
      ByteBuf size = alloc.buffer(18);
      size.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
      size.writeBytes(CRLF);
      out.addComponent(true, size).addComponent(true, data).addComponent(true, Unpooled.wrappedBuffer(CRLF));
    } else {
      data.release();
    }
    if (last) {
      ByteBuf end = alloc.buffer(64);
      end.writeBytes(LAST_CHUNK);
      for (var trailer : ((LastHttpContent) part).trailingHeaders()) {
        end.writeCharSequence(trailer.getKey(), StandardCharsets.ISO_8859_1);
        end.writeByte(':').writeByte(' ');
        end.writeCharSequence(trailer.getValue(), StandardCharsets.ISO_8859_1);
        end.writeBytes(CRLF);
      }
      end.writeBytes(CRLF);
      out.addComponent(true, end);
    }
    return out;
  }

  /** Whether raw[from, to) holds exactly the characters of {@code s} (ISO-8859-1). */
  private static boolean same(byte[] raw, int from, int to, CharSequence s) {
    if (to - from != s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if ((raw[from + i] & 0xff) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static void line(ByteBuf out, String name, String value) {
    out.writeCharSequence(name, StandardCharsets.US_ASCII);
    out.writeByte(':').writeByte(' ');
    out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
    out.writeByte('\r').writeByte('\n');
  }

  /** Whether the header named raw[ns, ne) is dropped; the header lines are raw[from, to). */
  private static boolean dropped(byte[] raw, int ns, int ne, int from, int to) {
    for (byte[] name : DROPPED) {
      if (UpstreamHead.nameIs(raw, ns, ne, name)) {
        return true;
      }
    }
    for (byte[] name : FRAMING) {
      if (UpstreamHead.nameIs(raw, ns, ne, name)) {
        return false; // naming them in Connection must not remove them (smuggling)
      }
    }
    for (int pos = from; pos < to; ) { // named in a Connection header
      int next = UpstreamHead.indexOf(raw, pos, to, '\n');
      int le = next < 0 ? -1 : UpstreamHead.trimCr(raw, pos, next);
      if (le <= pos) {
        return false;
      }
      int colon = UpstreamHead.indexOf(raw, pos, le, ':');
      if (colon > pos && UpstreamHead.nameIs(raw, pos, colon, CONNECTION)
          && UpstreamHead.hasToken(raw, colon + 1, le, raw, ns, ne)) {
        return true;
      }
      pos = next + 1;
    }
    return false;
  }
}
