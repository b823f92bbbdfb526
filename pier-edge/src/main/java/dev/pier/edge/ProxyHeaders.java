package dev.pier.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header rewriting between client and upstream: the forwarding headers the edge sets on requests
 * ({@link #forwardingLines}; {@link ClientRequest} drops the client's hop-by-hop and forwarding headers), and the
 * hop-by-hop headers removed and {@code Connection} set on responses to HTTP/2 clients ({@link #forClient}).
 */
final class ProxyHeaders {

  /** The {@code Forwarded} value: {@code for=192.0.2.7;proto=https;host=blog.example.org}, IPv6 as {@code for="[2001:db8::1]"}. */
  static String forwarded(InetAddress client, boolean tls, String host) {
    return forwarded(client, client == null ? null : NetUtil.toAddressString(client), tls, host);
  }

  static String forwarded(InetAddress client, String a, boolean tls, String host) {
    StringBuilder v = new StringBuilder(64);
    if (client != null) {
      v.append("for=").append(client instanceof Inet6Address ? "\"[" + a + "]\"" : a).append(';');
    }
    v.append("proto=").append(tls ? "https" : "http");
    if (host != null && plainToken(host)) {
      v.append(";host=").append(host.contains(":") ? "\"" + host + "\"" : host);
    }
    return v.toString();
  }
  /** Whether {@code s} can go in a Forwarded parameter as it is (no space, quote, backslash, separator or control). */
  private static boolean plainToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 127 || c == '"' || c == '\\' || c == ';' || c == ',') {
        return false;
      }
    }
    return true;
  }

  private static final List<AsciiString> HOP_BY_HOP = List.of(
      HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
      HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE);

  /** Headers that frame the message; naming them in {@code Connection} must not remove them (smuggling). */
  private static final Set<String> PROTECTED = Set.of("content-length", "transfer-encoding", "host");

  private ProxyHeaders() {
  }

  /**
   * The header lines the edge sets on a request for the upstream, each ending in CRLF: {@code X-Forwarded-For} with
   * the client's address (the edge is the first proxy: whatever forwarding headers the client sent are dropped, so
   * nobody can pose as another address or scheme), {@code X-Forwarded-Proto}, {@code Forwarded} (RFC 7239) with the
   * client's address (IPv6 in brackets, quoted), the scheme and the host, {@code X-Forwarded-Host} and
   * {@code X-Forwarded-Port}.
   *
   * @param client the client's address, or null if unknown (then no X-Forwarded-For), and {@code clientText} the same
   *     as text
   * @param tls whether the client came over HTTPS
   * @param host the request's Host header, or null
   * @param localPort the edge's port the client came to, as text
   */
  static byte[] forwardingLines(InetAddress client, String clientText, boolean tls, String host, String localPort) {
    StringBuilder b = new StringBuilder(160);
    if (client != null) {
      b.append("x-forwarded-for: ").append(clientText).append("\r\n");
    }
    b.append("x-forwarded-proto: ").append(tls ? "https" : "http").append("\r\n");
    b.append("forwarded: ").append(forwarded(client, clientText, tls, host)).append("\r\n");
    if (host != null) {
      b.append("x-forwarded-host: ").append(host).append("\r\n");
    }
    b.append("x-forwarded-port: ").append(localPort).append("\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Prepares an upstream response for the client: removes hop-by-hop headers, makes it HTTP/1.1 and sets
   * {@code Connection}. The client connection can stay open only if it asked for keep-alive and the body
   * length is known from the headers; an HTTP/1.0 client cannot receive chunked encoding, so for it the
   * chunks are sent raw and the connection is closed after the body.
   *
   * @param clientKeepAlive whether the client asked to keep the connection open
   * @param clientVersion the HTTP version of the client's request
   * @param bodyless true if this response cannot have a body (answer to HEAD, 1xx, 204, 304)
   * @return whether the client connection stays open after this response
   */
  static boolean forClient(HttpResponse response, boolean clientKeepAlive, HttpVersion clientVersion, boolean bodyless) {
    removeHopByHop(response.headers());
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    boolean keepAlive = clientKeepAlive;
    if (HttpUtil.isTransferEncodingChunked(response)) {
      if (HttpVersion.HTTP_1_0.equals(clientVersion)) {
        response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        keepAlive = false;
      }
    } else if (!HttpUtil.isContentLengthSet(response) && !bodyless) {
      keepAlive = false;
    }
    response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    return keepAlive;
  }

  /** Removes the standard hop-by-hop headers and those named in {@code Connection}, except framing headers. */
  static void removeHopByHop(HttpHeaders headers) {
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.strip().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !PROTECTED.contains(name)) {
          headers.remove(name);
        }
      }
    }
    HOP_BY_HOP.forEach(headers::remove);
  }
}
