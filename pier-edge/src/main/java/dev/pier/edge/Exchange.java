package dev.pier.edge;

import java.net.InetSocketAddress;

/**
 * One request and its response on a client connection. Made fresh when a request head arrives (so nothing is
 * carried over from the exchange before) and dropped once both directions are done. Touched on the connection's
 * event loop only.
 */
final class Exchange {

  /** WAKING: held while its sleeping site starts. LOCAL: answered with a generated page. PROXY: forwarded. */
  enum Mode { WAKING, LOCAL, PROXY }

  /** The request's head; null for a head that never came whole. */
  private final ClientRequest request;
  /** Whether the client spoke HTTP/1.0 (a chunked response goes to it as bare data, and the connection closes). */
  final boolean http10;
  /** Whether the request is a HEAD (its response has no body whatever its headers say). */
  final boolean headRequest;
  /** Whether the request asks for WebSocket. */
  final boolean upgrading;
  /** Whether the request body is chunked. */
  final boolean chunked;
  final BodyGuard body = BodyGuard.standard();
  final ResendPolicy resend;
  final ExchangeLog log;

  Mode mode = Mode.LOCAL;
  /** Whether the client connection may serve another request after this one. */
  boolean keepAlive;
  /** The client waits for {@code 100 Continue} before it sends the body (cleared once sent). */
  boolean expectsContinue;
  /** The request has no body: its head goes upstream alone, and nothing more is read for it. */
  final boolean bodiless;
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
  /** What it counts against its client's budget with its upstream ({@link ClientBudgets}); null: nothing. */
  ClientBudgets.Taken budget;
  /** Where the request was forwarded, to send it again once ({@link ResendPolicy}). */
  InetSocketAddress proxiedTo;

  private Exchange(ClientRequest request, boolean http10, boolean keepAlive, boolean expectsContinue, boolean headRequest,
      boolean upgrading, boolean bodiless, boolean chunked, ResendPolicy resend, ExchangeLog log) {
    this.request = request;
    this.http10 = http10;
    this.keepAlive = keepAlive;
    this.expectsContinue = expectsContinue;
    this.headRequest = headRequest;
    this.upgrading = upgrading;
    this.bodiless = bodiless;
    this.requestDone = bodiless;
    this.chunked = chunked;
    this.resend = resend;
    this.log = log;
  }

  /** The request's head; null for a head that never came whole ({@link #unread}). */
  ClientRequest request() {
    return request;
  }

  /** How logs name the request: method, host and target (made only when a log line needs it). */
  String requestLine() {
    if (request == null) {
      return "-";
    }
    String host = request.host();
    return request.method + " " + (host == null ? "" : host) + request.uri;
  }

  /** The exchange of a request whose head just came. */
  static Exchange of(ClientRequest request) {
    return new Exchange(request, !request.http11, request.keepAlive, request.expectsContinue, "HEAD".equals(request.method),
        request.websocket, !request.hasBody(), request.chunked, new ResendPolicy(request.method, request.chunked, request.contentLength),
        new ExchangeLog(System.currentTimeMillis(), request));
  }

  /** The exchange of a head that never came whole, or could not be read: answered, never logged. */
  static Exchange unread() {
    return new Exchange(null, false, false, false, false, false, false, false, new ResendPolicy("GET", false, -1), ExchangeLog.none());
  }
}
