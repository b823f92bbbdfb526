package dev.pier.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: serves one request at a time.
 *
 * <p>The pipeline has auto-read off and {@link OneMessagePerRead} after the {@code HttpServerCodec}, so
 * every {@code read()} yields exactly one {@link HttpObject} (a request head, then its content parts). When a
 * head arrives it is routed with the route table in force at that moment. Stopped and unknown sites, and bad
 * requests, are answered with a generated page ({@link Pages}) while the request body is read and discarded.
 * Other requests are proxied: the head and each body part are written to the upstream connection, and the
 * next part is read only once the previous one was flushed; the response flows back the same way (see
 * {@link #upstreamReadComplete}). The next request is read only after the response was flushed.
 *
 * <p>The upstream connection lives on this connection's event loop and is reused while requests go to the
 * same address. All methods run on that event loop.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  /**
   * IDLE: waiting for a request head. WAKING: holding a request while its sleeping site starts. LOCAL: answering
   * with a generated page. PROXY: forwarding.
   */
  private enum Mode { IDLE, WAKING, LOCAL, PROXY }

  private final Supplier<RouteTable> routes;
  private final UpstreamConnector connector;
  private ChannelHandlerContext ctx;
  private boolean readPending;

  // The exchange in progress.
  private Mode mode = Mode.IDLE;
  private String requestLine;
  private HttpVersion clientVersion;
  private boolean keepAlive;
  private boolean expectsContinue;
  private boolean headRequest;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean responseReceived;
  private boolean responseDone;
  private boolean upstreamKeepAlive;
  private String target;

  // The upstream connection, kept while requests go to the same address.
  private Channel upstream;
  private InetSocketAddress upstreamAddress;
  private ChannelFuture lastRelayed;

  /** What the raw bytes of each head showed (null: not looked at). */
  private final HeadScanner scanner;
  /** Request heads seen on this connection, to ask {@link #scanner} about the current one. */
  private long heads;

  private final long bodyTimeoutNanos;
  // The request body in progress: how long the edge has waited for it, and how much came.
  private io.netty.util.concurrent.ScheduledFuture<?> bodyTimer;
  private long bodyWaitStarted;
  private long bodyWaitedNanos;
  private long bodyBytes;
  private boolean upstreamTimedOut;
  // The request being proxied, kept to send it again once (see retryOnNewConnection).
  private HttpRequest proxied;
  private InetSocketAddress proxiedTo;
  private boolean onReusedConnection;
  private boolean retried;
  private boolean headOverdue;
  /** The body of a request that came whole, delivered at the next read. */
  private HttpContent pendingBody;
  /** The request in progress asks for WebSocket. */
  private boolean upgrading;
  /**
   * The request in progress has no body (HTTP/1.1, neither a length above 0 nor chunked): its end goes upstream with
   * its head, in one write, and the end the client's decoder produces is only taken, never sent nor waited for.
   */
  private boolean bodiless;
  /** The whole request (its last part too) was written to the upstream connection. */
  private boolean requestSent;
  /** When the kept-alive upstream connection last finished an exchange (System.nanoTime). */
  private long upstreamIdleSince;
  /** The client's address as text, worked out once per connection. */
  private String clientText;
  /** The site a WebSocket relay belongs to (its traffic keeps the site awake). */
  private String wsSite;
  private HttpContent held;

  /** Whether the client connection is TLS (sent upstream as X-Forwarded-Proto and Forwarded's proto). */
  private final boolean tls;

  private final Waker waker;
  /** Site name to the time of its last traffic (System.nanoTime), shared by every connection of the edge. */
  private final java.util.Map<String, Long> activity;

  private final AccessLog accessLog;
  // For the access log line of the exchange in progress: the site (null: not a site's request), what was asked,
  // what was answered.
  private String logSite;
  private String logRequest;
  private String logReferer;
  private String logAgent;
  private long logAt;
  private int logStatus;
  private long logBytes;

  /** The edge's HTTPS port, for redirects to it (-1: no HTTPS). */
  private final java.util.function.IntSupplier httpsPort;
  /** The site's rules for the exchange in progress. */
  private Route.Policy policy = Route.Policy.DEFAULT;
  private long maxBody = Long.MAX_VALUE;

  private final AcmeChallenges challenges;

  /**
   * @param scanner what the raw bytes of each head showed (null: not looked at, as for HTTP/2 streams)
   * @param tls whether the client connection is TLS
   */
  FrontendHandler(Shared shared, HeadScanner scanner, boolean tls) {
    this.activity = shared.activity();
    this.waker = shared.waker();
    this.accessLog = shared.accessLog();
    this.httpsPort = shared.httpsPort();
    this.challenges = shared.challenges();
    this.tls = tls;
    this.routes = shared.routes();
    this.connector = shared.connector();
    this.scanner = scanner;
    this.bodyTimeoutNanos = shared.config().bodyTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) { // added after the TLS handshake: channelActive has come and gone
      read();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readPending = false;
    stopBodyWait();
    if (msg instanceof io.netty.handler.codec.http.FullHttpRequest full && mode == Mode.IDLE) {
      // A whole request in one object (HTTP/2 without a body): the head now, its (empty) body at the next read.
      HttpRequest head = new io.netty.handler.codec.http.DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
      head.setDecoderResult(full.decoderResult());
      pendingBody = new io.netty.handler.codec.http.DefaultLastHttpContent(full.content(), full.trailingHeaders());
      startExchange(head);
      return;
    }
    if (msg instanceof HttpRequest request && mode == Mode.IDLE) {
      startExchange(request);
      if (!(msg instanceof HttpContent)) {
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      requestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopBodyWait();
    if (pendingBody != null) {
      pendingBody.release();
      pendingBody = null;
    }
    releaseUpstream(mode != Mode.PROXY || (requestDone && responseDone && requestSent));
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == HeadScanner.HEAD_TIMEOUT) {
      if (mode == Mode.IDLE) { // still no whole head: a slow or stalled client (slowloris)
        log.debug("Client {}: request head not complete in time", ctx.channel().remoteAddress());
        tooSlow();
      } else {
        headOverdue = true; // the next (pipelined) head is late: refused once the current exchange is done
      }
    } else if (evt instanceof IdleStateEvent) {
      // While the upstream is working on the response, its own idle timeout applies.
      if (!(mode == Mode.PROXY && requestDone && !responseReceived) && mode != Mode.WAKING) {
        ctx.close();
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException || cause.getCause() instanceof javax.net.ssl.SSLException) {
      // a client that went away, or a TLS handshake it gave up (it did not trust a certificate, say)
      log.debug("Client {}: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("Client {}: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }

  // ---- the request side

  private void startExchange(HttpRequest request) {
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    String host = hosts.isEmpty() ? null : hosts.get(0);
    requestLine = request.method() + " " + (host == null ? "" : host) + request.uri();
    clientVersion = request.protocolVersion();
    keepAlive = HttpUtil.isKeepAlive(request);
    expectsContinue = HttpUtil.is100ContinueExpected(request);
    headRequest = HttpMethod.HEAD.equals(request.method());
    requestDone = responseStarted = responseReceived = responseDone = upstreamTimedOut = false;
    logSite = null;
    logAt = System.currentTimeMillis();
    logRequest = request.method() + " " + request.uri() + " " + request.protocolVersion().text();
    logReferer = request.headers().get(HttpHeaderNames.REFERER);
    upgrading = ProxyHeaders.isWebSocketUpgrade(request);
    logAgent = request.headers().get(HttpHeaderNames.USER_AGENT);
    logStatus = 0;
    logBytes = 0;
    bodyWaitedNanos = bodyBytes = 0;
    String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    bodiless = scanner != null && !request.decoderResult().isFailure() && !HttpUtil.isTransferEncodingChunked(request)
        && (length == null || "0".equals(length.strip()));
    requestSent = false;

    DecoderResult decoded = request.decoderResult();
    String refusal = decoded.isFailure() ? "The request could not be read." : refusal(request, hosts);
    if (refusal == null && scanner != null && scanner.folded(heads)) {
      refusal = "The request has a header folded over several lines.";
    }
    heads++;
    headOverdue = false;
    if (refusal != null) {
      // A request the edge cannot read as exactly one is never passed on, and nothing after it on this
      // connection can be trusted to start where the edge thinks: answer and close.
      keepAlive = false;
      requestDone = true;
      log.debug("Client {}: refused {}: {}", ctx.channel().remoteAddress(), requestLine,
          decoded.isFailure() ? decoded.cause().toString() : refusal);
      respond(Pages.page(decoded.isFailure() ? statusFor(decoded.cause()) : HttpResponseStatus.BAD_REQUEST, refusal));
    } else if (HttpMethod.CONNECT.equals(request.method())) {
      respond(Pages.page(HttpResponseStatus.METHOD_NOT_ALLOWED, "This server is not a forward proxy."));
    } else {
      String answer = tls ? null : challengeAnswer(request);
      if (answer != null) {
        respond(Pages.text(answer));
      } else {
        route(request, host, true);
      }
    }
  }

  /** Sends the request where the route table says; a sleeping site is woken first (once) and then routed again. */
  private void route(HttpRequest request, String host, boolean mayWake) {
    {
      switch (routes.get().resolve(host)) {
        case Route.Panel panel -> {
          policy = Route.Policy.DEFAULT;
          maxBody = Long.MAX_VALUE;
          proxy(request, panel.address(), "The panel");
        }
        case Route.Upstream site -> {
          logSite = site.site();
          activity.put(site.site(), System.nanoTime());
          policy = site.policy();
          maxBody = site.policy().maxBodyBytes();
          if (site.policy().httpsOnly() && !tls && httpsPort.getAsInt() > 0) {
            respond(redirectToHttps(host, request.uri()));
          } else if (HttpUtil.getContentLength(request, -1L) > maxBody) {
            keepAlive = false;
            respond(Pages.page(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "The request's body is larger than the site accepts ("
                + maxBody + " bytes)."));
          } else {
            proxy(request, site.address(), "The site " + site.site());
          }
        }
        case Route.Stopped stopped -> {
          logSite = stopped.site();
          respond(Pages.stopped(stopped.site()));
        }
        case Route.Sleeping sleeping -> {
          logSite = sleeping.site();
          activity.put(sleeping.site(), System.nanoTime());
          if (!mayWake) {
            respond(Pages.page(HttpResponseStatus.SERVICE_UNAVAILABLE, "The site " + sleeping.site() + " could not be woken up."));
            return;
          }
          // Hold the request (nothing more is read from the client meanwhile) until the site runs.
          mode = Mode.WAKING;
          waker.wake(sleeping.site()).whenComplete((ok, failure) -> ctx.executor().execute(() -> {
            if (!ctx.channel().isActive() || mode != Mode.WAKING) {
              return;
            }
            if (failure != null) {
              log.warn("{}: could not wake the site {}: {}", requestLine, sleeping.site(), failure.getMessage());
              respond(Pages.page(HttpResponseStatus.SERVICE_UNAVAILABLE, "The site " + sleeping.site() + " could not be woken up."));
            } else {
              route(request, host, false);
            }
          }));
        }
        case Route.NotFound none -> respond(Pages.notFound(none.host()));
      }
    }
  }

  /** The key authorization for an ACME HTTP-01 challenge request the edge has an answer for, or null. */
  private String challengeAnswer(HttpRequest request) {
    String uri = request.uri();
    if (!uri.startsWith(AcmeChallenges.PATH)
        || !(HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()))) {
      return null;
    }
    String token = uri.substring(AcmeChallenges.PATH.length());
    return token.isEmpty() || !token.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')
        ? null : challenges.keyAuthorization(token);
  }

  /** Why a parsed request head is refused, or null. Pure apart from reading the request. */
  static String refusal(HttpRequest request, List<String> hosts) {
    if (hosts.isEmpty() && HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
      return "The request has no Host header.";
    }
    if (hosts.size() > 1) {
      return "The request has more than one Host header.";
    }
    List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).strip().equalsIgnoreCase("chunked"))) {
      return "The request's Transfer-Encoding is not \"chunked\" alone.";
    }
    return null;
  }

  private void requestContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (bodiless && mode == Mode.PROXY && last && !content.content().isReadable() && !content.decoderResult().isFailure()) {
      content.release(); // its end went upstream with the head
      requestDone = true;
      readNextRequest();
      return;
    }
    bodyBytes += content.content().readableBytes();
    if (mode == Mode.PROXY && bodyBytes > maxBody) { // a chunked body that grew past the site's limit
      content.release();
      closeUpstream();
      if (!responseStarted) {
        keepAlive = false;
        requestDone = true;
        respond(Pages.page(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "The request's body is larger than the site accepts ("
            + maxBody + " bytes)."));
      } else {
        ctx.close();
      }
      return;
    }
    if (!last && bodyWaitedNanos > EdgeConfig.RATE_GRACE.toNanos()
        && bodyBytes * 1_000_000_000L / bodyWaitedNanos < EdgeConfig.MIN_BODY_RATE) {
      log.debug("Client {}: request body slower than {} bytes/s", ctx.channel().remoteAddress(), EdgeConfig.MIN_BODY_RATE);
      content.release();
      closeUpstream();
      tooSlow();
      return;
    }
    if (content.decoderResult().isFailure()) {
      log.debug("Client {} sent a malformed body: {}", ctx.channel().remoteAddress(), content.decoderResult().cause().toString());
      content.release();
      // The upstream has the head and part of the body: it must not see anything more on that connection.
      closeUpstream();
      if (!responseStarted) {
        keepAlive = false;
        requestDone = true;
        respond(Pages.page(HttpResponseStatus.BAD_REQUEST, "The request's body could not be read."));
      } else {
        ctx.close();
      }
      return;
    }
    if (mode == Mode.PROXY && upstream != null && !upstream.isActive() && retried && last) {
      held = content; // sent once the new connection is made
      requestDone = true;
      return;
    }
    if (mode == Mode.PROXY && upstream != null) {
      requestDone = last;
      Channel up = upstream;
      up.writeAndFlush(content).addListener((ChannelFuture f) -> {
        if (!f.isSuccess()) {
          up.close();
        } else if (up == upstream && mode == Mode.PROXY) {
          if (last) {
            requestSent = true;
            readNextRequest();
          } else {
            read();
          }
        }
      });
      return;
    }
    content.release();
    if (mode == Mode.LOCAL) {
      if (last) {
        requestDone = true;
        readNextRequest();
      } else if (keepAlive) {
        read();
      }
    }
  }

  /** Answers with a generated page and discards the rest of the request body. */
  private void respond(FullHttpResponse page) {
    mode = Mode.LOCAL;
    responseStarted = responseReceived = true;
    if (expectsContinue && !requestDone) {
      keepAlive = false; // the client may or may not send the body: the connection cannot be reused
    }
    boolean close = !keepAlive;
    page.headers().set(HttpHeaderNames.CONNECTION, close ? HttpHeaderValues.CLOSE : HttpHeaderValues.KEEP_ALIVE);
    logStatus = page.status().code();
    logBytes = page.content().readableBytes();
    logExchange();
    ctx.writeAndFlush(page).addListener((ChannelFuture f) -> {
      if (!f.isSuccess() || close) {
        ctx.close();
      } else {
        responseDone = true;
        readNextRequest();
      }
    });
    if (!close && !requestDone) {
      read();
    }
  }

  // ---- the upstream side

  private void proxy(HttpRequest request, InetSocketAddress address, String target) {
    mode = Mode.PROXY;
    this.target = target;
    ProxyHeaders.forUpstream(request, clientAddress(), clientText(), localPort(), tls);
    proxied = request;
    proxiedTo = address;
    retried = false;
    if (upstream != null && upstream.isActive() && address.equals(upstreamAddress)
        && System.nanoTime() - upstreamIdleSince < UpstreamConnector.MAX_IDLE.toNanos()) {
      onReusedConnection = true;
      sendHead(upstream, request);
      return;
    }
    onReusedConnection = false;
    connectAndSend(request, address, target, true);
  }

  /**
   * A kept-alive upstream connection may be closed by the site just as a request goes out on it (its keep-alive
   * timeout or request limit). An idempotent request without a body that got no answer on such a connection is
   * sent once more, on a new connection, as nginx does; anything else (a POST, say, which the site may have acted
   * on) gets 502.
   */
  private boolean retryOnNewConnection() {
    if (!onReusedConnection || retried || responseStarted || bodyBytes > 0 || proxied == null
        || HttpUtil.isTransferEncodingChunked(proxied) || HttpUtil.getContentLength(proxied, 0L) > 0
        || HttpMethod.POST.equals(proxied.method()) || HttpMethod.PATCH.equals(proxied.method())
        || "LOCK".equals(proxied.method().name())) {
      return false;
    }
    retried = true;
    onReusedConnection = false;
    requestSent = false;
    if (requestDone) {
      bodiless = true; // all of it came, with no body: it goes whole, as one message, on the new connection
    }
    log.debug("{}: {} closed a kept-alive connection before answering; sending the request again", requestLine, target);
    connectAndSend(proxied, proxiedTo, target, false);
    return true;
  }

  /** @param mayReuse whether an idle pooled connection may serve (not for a request sent again after a stale one) */
  private void connectAndSend(HttpRequest request, InetSocketAddress address, String target, boolean mayReuse) {
    if (mayReuse) {
      releaseUpstream(true); // a new exchange: the connection of the last one sits idle
    } else {
      closeUpstream(); // the connection that went stale
    }
    Channel pooled = mayReuse ? connector.pooled(ctx.channel().eventLoop(), address, this) : null;
    if (pooled != null) {
      upstream = pooled;
      upstreamAddress = address;
      onReusedConnection = true; // it may be closed by the site just now: then the request is sent again
      sendHead(pooled, request);
      return;
    }
    ChannelFuture connecting = connector.connect(ctx.channel().eventLoop(), address, this);
    if (connecting == null) {
      log.warn("{}: {} has too many connections open; answering 503", requestLine, target);
      FullHttpResponse busy = Pages.page(HttpResponseStatus.SERVICE_UNAVAILABLE, target + " is too busy right now. Try again in a moment.");
      busy.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
      respond(busy);
      return;
    }
    Channel up = connecting.channel();
    upstream = up;
    upstreamAddress = address;
    connecting.addListener((ChannelFuture f) -> {
      if (up != upstream) {
        return; // the client went away meanwhile
      }
      if (f.isSuccess()) {
        sendHead(up, request);
        if (held != null) { // the end of the request arrived while this connection was being made
          HttpContent end = held;
          held = null;
          up.writeAndFlush(end).addListener((ChannelFuture w) -> {
            if (w.isSuccess() && up == upstream) {
              requestSent = true;
              readNextRequest();
            }
          });
        }
      } else {
        upstream = null;
        log.warn("{}: {} is not answering: {}", requestLine, target, f.cause().getMessage());
        respond(Pages.badGateway(target + " is not answering."));
      }
    });
  }

  private void sendHead(Channel up, HttpRequest request) {
    ChannelFuture sent = up.writeAndFlush(bodiless
        ? new io.netty.handler.codec.http.DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
            io.netty.buffer.Unpooled.EMPTY_BUFFER, request.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE)
        : request);
    boolean whole = bodiless;
    sent.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        up.close();
      } else if (up == upstream && mode == Mode.PROXY) {
        if (whole) {
          requestSent = true;
        }
        if (expectsContinue) {
          expectsContinue = false;
          ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (!requestDone) { // (a request sent again has its body sent already)
          read();
        }
      }
    });
    up.read();
  }

  /** A response part decoded from the upstream: written (not yet flushed) to the client. */
  void upstreamRead(Channel up, HttpObject part) {
    if (up != upstream || mode != Mode.PROXY || responseReceived) {
      ReferenceCountUtil.release(part);
      up.close(); // an upstream must not speak out of turn
      return;
    }
    if (part instanceof HttpContent c) {
      logBytes += c.content().readableBytes();
    }
    if (part instanceof HttpResponse response) {
      logStatus = response.status().code();
      upstreamKeepAlive = HttpUtil.isKeepAlive(response);
      int code = response.status().code();
      keepAlive = ProxyHeaders.forClient(response, keepAlive, clientVersion, headRequest || code == 204 || code == 304);
      if (tls && policy.hsts()) {
        response.headers().set("Strict-Transport-Security", "max-age=31536000");
      }
      responseStarted = true;
    }
    ChannelFuture written = ctx.write(part);
    if (part instanceof LastHttpContent) {
      responseReceived = true;
      upstreamIdleSince = System.nanoTime(); // the site's keep-alive timer runs from about now
      logExchange();
      written.addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          finishResponse(up);
        }
      });
    }
    lastRelayed = written;
  }

  /** The end of one upstream read: flush what was relayed, and read the upstream again once it is written. */
  void upstreamReadComplete(Channel up) {
    ChannelFuture written = lastRelayed;
    lastRelayed = null;
    if (written != null) {
      ctx.flush();
    }
    if (up != upstream) {
      return;
    }
    if (written == null) {
      up.read();
      return;
    }
    written.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        ctx.close();
      } else if (up == upstream) {
        up.read(); // also while idle, so that an upstream close is noticed
      }
    });
  }

  /** How long a WebSocket connection may be silent in both directions before it is closed. */
  static final java.time.Duration WEBSOCKET_IDLE = java.time.Duration.ofHours(1);

  /**
   * The upstream answered 101 to a WebSocket upgrade: the answer goes to the client, then both connections drop
   * HTTP and relay bytes. Returns false, changing nothing, when the client did not ask for it.
   */
  boolean upstreamSwitched(Channel up, HttpResponse response) {
    if (up != upstream || mode != Mode.PROXY || !upgrading || responseStarted) {
      return false;
    }
    responseStarted = responseReceived = true;
    wsSite = logSite;
    logStatus = 101;
    logExchange();
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    response.headers().set(HttpHeaderNames.UPGRADE, "websocket");
    upstream = null; // from now on the relay owns it
    ctx.write(response);
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        up.close();
        ctx.close();
        return;
      }
      // Later on the event loop, not in this listener: the upstream's decoder may still be handing out what it
      // read with the 101 (its end, and bytes of the new protocol), which must reach the old handler first.
      ctx.executor().execute(() -> switchToRelay(up));
    });
    return true;
  }

  private void switchToRelay(Channel up) {
    if (!up.isActive() || !ctx.channel().isActive()) { // one side went away during the hand-over
      BackendHandler backend = up.pipeline().get(BackendHandler.class);
      if (backend != null) {
        backend.takeEarly().forEach(io.netty.util.ReferenceCountUtil::release);
      }
      up.close();
      ctx.close();
      return;
    }
    {
      var client = ctx.pipeline();
      var server = up.pipeline();
      // Drop HTTP on both sides; bytes a side sent early, still in its decoder, are passed on as they are.
      server.remove(io.netty.handler.codec.http.HttpClientCodec.class);
      List<io.netty.buffer.ByteBuf> early = server.get(BackendHandler.class).takeEarly();
      server.replace(BackendHandler.class, "relay", new Relay(ctx.channel(), wsSite == null ? () -> { } : () -> activity.put(wsSite, System.nanoTime())));
      server.replace(IdleTimer.class, "idle", new IdleTimer(WEBSOCKET_IDLE));
      for (Class<? extends io.netty.channel.ChannelHandler> http : List.of(HeadScanner.class, OneMessagePerRead.class)) {
        if (client.get(http) != null) {
          client.remove(http);
        }
      }
      client.replace(IdleTimer.class, "idle", new IdleTimer(WEBSOCKET_IDLE));
      String site = wsSite;
      Runnable touch = site == null ? () -> { } : () -> activity.put(site, System.nanoTime());
      client.replace(this, "relay", new Relay(up, touch));
      client.remove(io.netty.handler.codec.http.HttpServerCodec.class);
      early.forEach(ctx.channel()::write);
      ctx.channel().flush();
    }
  }

  /** The upstream connection saw no traffic for the idle timeout and is being closed. */
  void upstreamTimedOut(Channel up) {
    if (up == upstream) {
      upstreamTimedOut = true;
    }
  }

  void upstreamClosed(Channel up) {
    if (up != upstream) {
      return;
    }
    upstream = null;
    upstreamAddress = null;
    if (mode != Mode.PROXY || responseReceived) {
      return;
    }
    if (!responseStarted && !upstreamTimedOut && retryOnNewConnection()) {
      return;
    }
    if (!responseStarted && upstreamTimedOut) {
      log.warn("{}: {} did not answer in time", requestLine, target);
      respond(Pages.page(HttpResponseStatus.GATEWAY_TIMEOUT, target + " did not answer in time."));
    } else if (!responseStarted) {
      log.warn("{}: {} did not answer (connection closed)", requestLine, target);
      respond(Pages.badGateway(target + " is not answering."));
    } else {
      log.warn("{}: {} stopped mid-response (connection closed or idle timeout)", requestLine, target);
      ctx.close();
    }
  }

  private void finishResponse(Channel up) {
    responseDone = true;
    if (!requestDone) {
      keepAlive = false; // the upstream answered before the whole body was sent: both connections are spoiled
    }
    if ((!upstreamKeepAlive || !requestDone || !requestSent) && up == upstream) {
      closeUpstream(); // (a request part still being written would reach whoever uses the connection next)
    }
    if (keepAlive) {
      readNextRequest();
    } else {
      ctx.close();
    }
  }

  // ---- helpers

  private void readNextRequest() {
    if (mode != Mode.IDLE && requestDone && responseDone) {
      mode = Mode.IDLE;
      if (headOverdue || (scanner != null && scanner.isOff())) {
        ctx.close(); // a late pipelined head, or framing the scanner could not follow: no more on this connection
        return;
      }
      read();
    }
  }

  /** Asks for one more request part, unless a read is already pending. */
  private void read() {
    if (pendingBody != null && !readPending) {
      HttpContent body = pendingBody;
      pendingBody = null;
      readPending = true;
      ctx.executor().execute(() -> channelRead(ctx, body));
      return;
    }
    if (!readPending) {
      readPending = true;
      if (mode != Mode.IDLE && !requestDone && !bodiless) {
        startBodyWait();
      }
      ctx.read();
    }
  }

  /** The edge now waits on the client for more of the request body: for {@code bodyTimeout} at most. */
  private void startBodyWait() {
    bodyWaitStarted = System.nanoTime();
    if (bodyTimer == null) {
      bodyTimer = ctx.executor().schedule(() -> {
        bodyTimer = null;
        if (mode != Mode.IDLE && !requestDone && readPending) {
          log.debug("Client {}: no request body for too long", ctx.channel().remoteAddress());
          closeUpstream();
          tooSlow();
        }
      }, bodyTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private void stopBodyWait() {
    if (bodyWaitStarted != 0) {
      bodyWaitedNanos += System.nanoTime() - bodyWaitStarted;
      bodyWaitStarted = 0;
    }
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
  }

  /** 408 and close when nothing was answered yet; else just close. */
  private void tooSlow() {
    if (!responseStarted && ctx.channel().isActive()) {
      keepAlive = false;
      requestDone = true;
      respond(Pages.page(HttpResponseStatus.REQUEST_TIMEOUT, "The request took too long to arrive."));
    } else {
      ctx.close();
    }
  }

  /**
   * Gives the upstream connection back to the pool when it sits idle between exchanges ({@code idle}: the last
   * exchange on it ended, and {@link #finishResponse} kept it, so the site keeps it alive); closes it otherwise.
   */
  private void releaseUpstream(boolean idle) {
    Channel up = upstream;
    if (idle && up != null && up.isActive() && held == null && upstreamAddress != null) {
      InetSocketAddress address = upstreamAddress;
      upstream = null;
      upstreamAddress = null;
      lastRelayed = null;
      connector.release(up, address, upstreamIdleSince);
    } else {
      closeUpstream();
    }
  }

  private void closeUpstream() {
    if (held != null) {
      held.release();
      held = null;
    }
    Channel up = upstream;
    upstream = null;
    upstreamAddress = null;
    lastRelayed = null;
    if (up != null) {
      up.close();
    }
  }

  private InetAddress clientAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
  }

  /** The client's address as text (IPv6 compressed), or null if unknown. */
  private String clientText() {
    if (clientText == null && clientAddress() != null) {
      clientText = NetUtil.toAddressString(clientAddress());
    }
    return clientText;
  }

  private int localPort() {
    return ctx.channel().localAddress() instanceof InetSocketAddress address ? address.getPort() : 0;
  }

  /** Reports the exchange to the site's access log, once. */
  private void logExchange() {
    if (logSite != null && logStatus != 0) {
      activity.put(logSite, System.nanoTime()); // a long download counts as activity until it ends
      accessLog.record(logSite, AccessLog.combined(clientText(), logAt,
          logRequest, logStatus, logBytes, logReferer, logAgent));
      logSite = null;
    }
  }

  /** 308 to the same host and path over HTTPS (the edge's HTTPS port unless it is 443). */
  private FullHttpResponse redirectToHttps(String host, String uri) {
    String name = host;
    if (name.startsWith("[")) {
      name = name.substring(0, name.indexOf(']') + 1);
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    int port = httpsPort.getAsInt();
    String location = "https://" + name + (port == 443 ? "" : ":" + port) + (uri.startsWith("/") ? uri : "/");
    FullHttpResponse r = Pages.page(HttpResponseStatus.PERMANENT_REDIRECT, "This site is served over HTTPS only: " + location);
    r.headers().set(HttpHeaderNames.LOCATION, location);
    return r;
  }

  private static HttpResponseStatus statusFor(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }
}
