package dev.pier.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;

/**
 * One request and its response on a client connection. Made fresh when a request head arrives (so nothing is
 * carried over from the exchange before) and dropped once both directions are done. Touched on the connection's
 * event loop only.
 */
final class Exchange {

  /** WAKING: held while its sleeping site starts. LOCAL: answered with a generated page. PROXY: forwarded. */
  enum Mode { WAKING, LOCAL, PROXY }

  private final String method;
  private final String host;
  private final String uri;
  final HttpVersion clientVersion;
  /** Whether the request is a HEAD (its response has no body whatever its headers say). */
  final boolean headRequest;
  /** Whether the request asks for WebSocket. */
  final boolean upgrading;
  /** Whether the request body is chunked. */
  final boolean chunked;
  final BodyGuard body = BodyGuard.standard();
  /**
   * The request head as the client sent it (HTTP/1.x), to go upstream as bytes ({@link UpstreamRequest}); null:
   * the decoded request goes instead (an HTTP/2 stream, or a head the scanner did not keep).
   */
  byte[] clientHead;
  /** The request goes upstream as bytes, its body too. */
  boolean asBytes;
  final ResendPolicy resend;
  final ExchangeLog log;

  Mode mode = Mode.LOCAL;
  /** Whether the client connection may serve another request after this one. */
  boolean keepAlive;
  /** The client waits for {@code 100 Continue} before it sends the body (cleared once sent). */
  boolean expectsContinue;
  /**
   * The request has no body (HTTP/1.1, neither a length above 0 nor chunked): its end goes upstream with its head,
   * in one write, and the end the client's decoder produces is only taken, never sent nor waited for.
   */
  boolean bodiless;
  /** All of the request came from the client. */
  boolean requestDone;
  /** All of the request (its last part too) was written to the upstream connection. */
  boolean requestSent;
  /** The response head went (or is going) to the client. */
  boolean responseStarted;
  /** All of the response came (from the upstream, or was generated). */
  boolean responseReceived;
  /** All of the response was written to the client. */
  boolean responseDone;
  boolean upstreamKeepAlive;
  /** The upstream connection was closed for being idle too long (504 rather than 502). */
  boolean upstreamTimedOut;
  /** The response may not have a body (205), whatever the upstream sends after its head: none goes to the client. */
  boolean discardBody;
  /** How error pages and logs name the upstream. */
  String target;
  Route.Policy policy = Route.Policy.DEFAULT;
  /** The request as forwarded, and where, kept to send it again once ({@link ResendPolicy}). */
  HttpRequest proxied;
  InetSocketAddress proxiedTo;

  private Exchange(String method, String host, String uri, HttpVersion clientVersion, boolean keepAlive, boolean expectsContinue,
      boolean headRequest, boolean upgrading, boolean bodiless, boolean chunked, ResendPolicy resend, ExchangeLog log) {
    this.chunked = chunked;
    this.method = method;
    this.host = host;
    this.uri = uri;
    this.clientVersion = clientVersion;
    this.keepAlive = keepAlive;
    this.expectsContinue = expectsContinue;
    this.headRequest = headRequest;
    this.upgrading = upgrading;
    this.bodiless = bodiless;
    this.resend = resend;
    this.log = log;
  }

  /** How logs name the request: method, host and target (made only when a log line needs it). */
  String requestLine() {
    return method + " " + (host == null ? "" : host) + uri;
  }

  /**
   * The exchange of a request whose head just came.
   *
   * @param host its Host header, or null
   * @param framedByEdge whether the request came over HTTP/1.1 framing the edge follows (not an HTTP/2 stream):
   *     only then is a bodiless request sent upstream as one message
   */
  static Exchange of(HttpRequest request, String host, boolean framedByEdge) {
    String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    boolean bodiless = framedByEdge && !request.decoderResult().isFailure() && !chunked
        && (length == null || "0".equals(length.strip()));
    String method = request.method().name();
    ExchangeLog log = new ExchangeLog(System.currentTimeMillis(),
        method + " " + request.uri() + " " + request.protocolVersion().text(),
        request.headers().get(HttpHeaderNames.REFERER), request.headers().get(HttpHeaderNames.USER_AGENT));
    long declared = request.decoderResult().isFailure() ? -1 : HttpUtil.getContentLength(request, -1L);
    return new Exchange(method, host, request.uri(), request.protocolVersion(),
        HttpUtil.isKeepAlive(request), HttpUtil.is100ContinueExpected(request), HttpMethod.HEAD.equals(request.method()),
        ProxyHeaders.isWebSocketUpgrade(request), bodiless, chunked, new ResendPolicy(method, chunked, declared), log);
  }

  /** The exchange of a head that never came whole (the client was too slow): answered, never logged. */
  static Exchange unread() {
    return new Exchange("-", null, "", HttpVersion.HTTP_1_1, false, false, false, false, false, false,
        new ResendPolicy("GET", false, -1), ExchangeLog.none());
  }
}
