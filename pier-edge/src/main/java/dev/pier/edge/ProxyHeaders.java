package dev.pier.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header rewriting between client and upstream: hop-by-hop headers are removed in both directions,
 * {@code X-Forwarded-*} headers are added to requests, and the {@code Connection} header is set on responses.
 */
final class ProxyHeaders {

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString FORWARDED = AsciiString.cached("forwarded");

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

  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");

  private static final List<AsciiString> HOP_BY_HOP = List.of(
      HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
      HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE);

  /** Headers that frame the message; naming them in {@code Connection} must not remove them (smuggling). */
  private static final Set<String> PROTECTED = Set.of("content-length", "transfer-encoding", "host");

  private ProxyHeaders() {
  }

  /** Forwarding headers a client could send to pose as a proxy; the edge is the first proxy, so none is trusted. */
  private static final List<AsciiString> CLIENT_FORWARDING = List.of(FORWARDED, AsciiString.cached("x-forwarded-prefix"),
      AsciiString.cached("x-forwarded-ssl"), AsciiString.cached("x-forwarded-scheme"), AsciiString.cached("x-real-ip"),
      AsciiString.cached("x-forwarded-server"));

  /**
   * Prepares a client request for the upstream: removes hop-by-hop headers and {@code Expect} (the edge
   * answers {@code 100-continue} itself), sets {@code X-Forwarded-For} to the client's address (the edge is
   * the first proxy: whatever forwarding headers the client sent are dropped, so nobody can pose as another
   * address or scheme), sets {@code X-Forwarded-Proto/Host/Port}, and switches to HTTP/1.1 so the upstream
   * connection stays open. The {@code Host} header is left as the client sent it.
   *
   * @param client the client's address, or null if unknown (then no X-Forwarded-For is sent)
   * @param localPort the edge port the client connected to
   */
  static void forUpstream(HttpRequest request, InetAddress client, int localPort) {
    forUpstream(request, client, client == null ? null : NetUtil.toAddressString(client), Integer.toString(localPort), false);
  }

  /**
   * The same, with the client's address and the port also as text ({@code clientText}, {@code localPort}: worked out
   * once per connection);
   * {@code tls} says whether the client came over HTTPS. Also sets {@code Forwarded} (RFC 7239) with the client's
   * address (IPv6 in brackets, quoted), the scheme and the host.
   */
  static void forUpstream(HttpRequest request, InetAddress client, String clientText, String localPort, boolean tls) {
    HttpHeaders headers = request.headers();
    boolean websocket = isWebSocketUpgrade(request);
    removeHopByHop(headers);
    if (websocket) { // the one protocol switch passed through: the site answers 101 and both sides speak WebSocket
      headers.set(HttpHeaderNames.UPGRADE, "websocket");
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }
    headers.remove(HttpHeaderNames.EXPECT);
    CLIENT_FORWARDING.forEach(headers::remove);
    if (client != null) {
      headers.set(X_FORWARDED_FOR, clientText);
    } else {
      headers.remove(X_FORWARDED_FOR);
    }
    headers.set(X_FORWARDED_PROTO, tls ? "https" : "http");
    String host = headers.get(HttpHeaderNames.HOST);
    headers.set(FORWARDED, forwarded(client, clientText, tls, host));
    if (host != null) {
      headers.set(X_FORWARDED_HOST, host);
    } else {
      headers.remove(X_FORWARDED_HOST);
    }
    headers.set(X_FORWARDED_PORT, localPort);
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
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

  /** Whether the request asks to switch to WebSocket ({@code Connection: upgrade} and {@code Upgrade: websocket}). */
  static boolean isWebSocketUpgrade(HttpRequest request) {
    HttpHeaders h = request.headers();
    return h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && "websocket".equalsIgnoreCase(String.valueOf(h.get(HttpHeaderNames.UPGRADE)).strip())
        && HttpMethod.GET.equals(request.method());
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
