package dev.pier.edge;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: serves one request at a time, each as an {@link Exchange} of its own.
 *
 * <p>The pipeline has auto-read off and {@link OneMessagePerRead} after the request decoder, so every
 * {@code read()} yields exactly one {@link HttpObject} (a request head, then its content parts). When a head
 * arrives, {@link RouteDecision} decides with the route table in force at that moment what becomes of it. Pages
 * the edge answers itself ({@link Pages}) are sent while the request body is read and discarded; forwarded
 * requests go to the {@link Forwarder}. The body passes the {@link BodyGuard} on the way; the next part is read
 * only once the previous one was flushed, and the next request only once the response was.
 *
 * <p>All methods run on the connection's event loop.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  private final Shared shared;
  private final boolean tls;
  /** What the raw bytes of each head showed (null: not looked at, as for HTTP/2 streams). */
  private final HeadScanner scanner;
  private final long bodyTimeoutNanos;
  private final Forwarder forwarder;
  private ChannelHandlerContext ctx;
  private boolean readPending;
  /** Request heads seen on this connection, to ask {@link #scanner} about the current one. */
  private long heads;
  /** The next (pipelined) head is late: refused once the current exchange is done. */
  private boolean headOverdue;
  /** The client's address and the edge's port as text, worked out once per connection. */
  private String clientText;
  private String portText;
  /** The exchange in progress; null while waiting for a request head. */
  private Exchange exchange;

  /**
   * @param scanner what the raw bytes of each head showed (null: not looked at, as for HTTP/2 streams)
   * @param tls whether the client connection is TLS
   */
  FrontendHandler(Shared shared, HeadScanner scanner, boolean tls) {
    this.shared = shared;
    this.tls = tls;
    this.scanner = scanner;
    this.bodyTimeoutNanos = shared.config().bodyTimeout().toNanos();
    this.forwarder = new Forwarder(this, shared, tls, scanner != null);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    forwarder.attach(ctx);
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
    if (exchange != null) {
      exchange.body.stopWaiting();
    }
    if (msg instanceof HttpRequest request && exchange == null) {
      startExchange(request); // (never also content: see SplitWholeRequests)
    } else if (msg instanceof HttpContent content && exchange != null) {
      requestContent(exchange, content);
    } else {
      if (msg instanceof HttpObject part && part.decoderResult().isFailure()) {
        ctx.close(); // a broken part between exchanges: nothing after it can be trusted
      }
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange ex = exchange;
    if (ex != null) {
      ex.body.stopWaiting();
    }
    forwarder.release(ex == null || ex.mode != Exchange.Mode.PROXY || (ex.requestDone && ex.responseDone && ex.requestSent));
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    Exchange ex = exchange;
    if (evt == HeadScanner.HEAD_TIMEOUT) {
      if (ex == null) { // still no whole head: a slow or stalled client (slowloris)
        log.debug("Client {}: request head not complete in time", ctx.channel().remoteAddress());
        if (heads == 0) {
          tooSlow(Exchange.unread());
        } else {
          ctx.close(); // (a response went out on this connection already)
        }
      } else {
        headOverdue = true;
      }
    } else if (evt instanceof IdleStateEvent) {
      // While the upstream is working on the response, its own idle timeout applies.
      boolean upstreamsTurn = ex != null && ex.mode == Exchange.Mode.PROXY && ex.requestDone && !ex.responseReceived;
      if (!upstreamsTurn && !(ex != null && ex.mode == Exchange.Mode.WAKING)) {
        ctx.close();
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException || cause.getCause() instanceof SSLException) {
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
    Exchange ex = Exchange.of(request, host, scanner != null);
    exchange = ex;
    boolean folded = scanner != null && scanner.folded(heads);
    ex.clientHead = scanner == null ? null : scanner.takeHead(heads);
    heads++;
    headOverdue = false;
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      refuse(ex, Pages.unreadable(decoded.cause()), "The request could not be read.", decoded.cause().toString());
      return;
    }
    RequestHead head = new RequestHead(request.method().name(), request.uri(),
        HttpVersion.HTTP_1_1.equals(request.protocolVersion()), hosts,
        request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING), HttpUtil.getContentLength(request, -1L), folded);
    carryOut(ex, request, head, decide(head, true));
  }

  private RouteDecision decide(RequestHead head, boolean mayWake) {
    return RouteDecision.decide(head, shared.routes().get(), tls, shared.httpsPort().getAsInt(), shared.challenges(), mayWake);
  }

  /** Does what {@link RouteDecision} decided. */
  private void carryOut(Exchange ex, HttpRequest request, RequestHead head, RouteDecision decision) {
    if (decision.site() != null) {
      ex.log.site(decision.site());
    }
    if (decision.keepsAwake()) {
      touch(decision.site());
    }
    switch (decision) {
      case RouteDecision.Refused r -> refuse(ex, HttpResponseStatus.valueOf(r.status()), r.reason(), r.reason());
      case RouteDecision.NotAProxy n ->
          respond(ex, Pages.page(HttpResponseStatus.METHOD_NOT_ALLOWED, "This server is not a forward proxy."));
      case RouteDecision.AcmeAnswer a -> respond(ex, Pages.text(a.keyAuthorization()));
      case RouteDecision.RedirectToHttps r -> respond(ex, Pages.redirect(r.location()));
      case RouteDecision.TooLarge t -> {
        ex.keepAlive = false;
        respond(ex, Pages.tooLarge(t.maxBodyBytes()));
      }
      case RouteDecision.Forward f -> {
        ex.policy = f.policy();
        ex.body.limit(f.site() == null ? Long.MAX_VALUE : f.policy().maxBodyBytes());
        forwarder.forward(ex, request, f.address(), f.target());
      }
      case RouteDecision.Stopped s -> respond(ex, Pages.stopped(s.site()));
      case RouteDecision.Wake w -> wake(ex, request, head, w.site());
      case RouteDecision.CannotWake c -> respond(ex, Pages.cannotWake(c.site()));
      case RouteDecision.NotFound n -> respond(ex, Pages.notFound(n.host()));
    }
  }

  /** Holds the request (nothing more is read from the client meanwhile) until its sleeping site runs. */
  private void wake(Exchange ex, HttpRequest request, RequestHead head, String site) {
    ex.mode = Exchange.Mode.WAKING;
    shared.waker().wake(site).whenComplete((ok, failure) -> ctx.executor().execute(() -> {
      if (!ctx.channel().isActive() || exchange != ex || ex.mode != Exchange.Mode.WAKING) {
        return;
      }
      if (failure != null) {
        log.warn("{}: could not wake the site {}: {}", ex.requestLine(), site, failure.getMessage());
        respond(ex, Pages.cannotWake(site));
      } else {
        carryOut(ex, request, head, decide(head, false));
      }
    }));
  }

  /**
   * A request the edge cannot read as exactly one is never passed on, and nothing after it on this connection can
   * be trusted to start where the edge thinks: answer and close.
   */
  private void refuse(Exchange ex, HttpResponseStatus status, String reason, String detail) {
    ex.keepAlive = false;
    ex.requestDone = true;
    log.debug("Client {}: refused {}: {}", ctx.channel().remoteAddress(), ex.requestLine(), detail);
    respond(ex, Pages.page(status, reason));
  }

  private void requestContent(Exchange ex, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    boolean proxy = ex.mode == Exchange.Mode.PROXY;
    if (ex.bodiless && proxy && last && !content.content().isReadable() && !content.decoderResult().isFailure()) {
      content.release(); // its end went upstream with the head
      ex.requestDone = true;
      readNextRequest(ex);
      return;
    }
    ex.body.received(content.content().readableBytes());
    if (proxy && ex.body.overLimit()) { // a chunked body that grew past the site's limit
      content.release();
      spoiled(ex, Pages.tooLarge(ex.body.limit()));
    } else if (!last && ex.body.tooSlow()) {
      log.debug("Client {}: request body slower than {} bytes/s", ctx.channel().remoteAddress(), EdgeConfig.MIN_BODY_RATE);
      content.release();
      forwarder.close();
      tooSlow(ex);
    } else if (content.decoderResult().isFailure()) {
      log.debug("Client {} sent a malformed body: {}", ctx.channel().remoteAddress(), content.decoderResult().cause().toString());
      content.release();
      // The upstream has the head and part of the body: it must not see anything more on that connection.
      spoiled(ex, Pages.page(HttpResponseStatus.BAD_REQUEST, "The request's body could not be read."));
    } else if (!(proxy && forwarder.forwardPart(ex, content, last))) {
      content.release();
      if (ex.mode == Exchange.Mode.LOCAL) {
        if (last) {
          ex.requestDone = true;
          readNextRequest(ex);
        } else if (ex.keepAlive) {
          read();
        }
      }
    }
  }

  /** The request body cannot go on: the upstream connection is closed, the client gets {@code page} if it can. */
  private void spoiled(Exchange ex, FullHttpResponse page) {
    forwarder.close();
    if (!ex.responseStarted) {
      ex.keepAlive = false;
      ex.requestDone = true;
      respond(ex, page);
    } else {
      page.release();
      ctx.close();
    }
  }

  /** Answers with a generated page and discards the rest of the request body. */
  void respond(Exchange ex, FullHttpResponse page) {
    ex.mode = Exchange.Mode.LOCAL;
    ex.responseStarted = ex.responseReceived = true;
    if (ex.expectsContinue && !ex.requestDone) {
      ex.keepAlive = false; // the client may or may not send the body: the connection cannot be reused
    }
    boolean close = !ex.keepAlive;
    page.headers().set(HttpHeaderNames.CONNECTION, close ? HttpHeaderValues.CLOSE : HttpHeaderValues.KEEP_ALIVE);
    ex.log.status(page.status().code());
    ex.log.sent(page.content().readableBytes());
    logExchange(ex);
    ctx.writeAndFlush(ex.headRequest ? Pages.headOnly(page) : page).addListener((ChannelFuture f) -> {
      if (!f.isSuccess() || close) {
        ctx.close();
      } else {
        ex.responseDone = true;
        readNextRequest(ex);
      }
    });
    if (!close && !ex.requestDone) {
      read();
    }
  }

  // ---- what the forwarder asks of the client side

  /** The exchange in progress, or null. */
  Exchange current() {
    return exchange;
  }

  /** Once both the request and the response of {@code ex} are done: reads the next request head. */
  void readNextRequest(Exchange ex) {
    if (exchange == ex && ex.requestDone && ex.responseDone) {
      ex.body.stopWaiting();
      exchange = null;
      if (headOverdue || (scanner != null && scanner.isOff())) {
        ctx.close(); // a late pipelined head, or framing the scanner could not follow: no more on this connection
        return;
      }
      read();
    }
  }

  /** Asks for one more request part, unless a read is already pending. */
  void read() {
    if (!readPending) {
      readPending = true;
      Exchange ex = exchange;
      if (ex != null && !ex.requestDone && !ex.bodiless) {
        startBodyWait(ex);
      }
      ctx.read();
    }
  }

  /** The edge now waits on the client for more of the request body: for {@code bodyTimeout} at most. */
  private void startBodyWait(Exchange ex) {
    ex.body.startWaiting(ctx.executor(), bodyTimeoutNanos, () -> {
      if (exchange == ex && !ex.requestDone && readPending) {
        log.debug("Client {}: no request body for too long", ctx.channel().remoteAddress());
        forwarder.close();
        tooSlow(ex);
      }
    });
  }

  /** 408 and close when nothing was answered yet; else just close. */
  private void tooSlow(Exchange ex) {
    if (!ex.responseStarted && ctx.channel().isActive()) {
      exchange = ex;
      ex.keepAlive = false;
      ex.requestDone = true;
      respond(ex, Pages.page(HttpResponseStatus.REQUEST_TIMEOUT, "The request took too long to arrive."));
    } else {
      ctx.close();
    }
  }

  /** Reports the exchange to its site's access log, once. */
  void logExchange(Exchange ex) {
    String site = ex.log.writeTo(shared.accessLog(), clientText());
    if (site != null) {
      touch(site); // a long download counts as activity until it ends
    }
  }

  /** Notes traffic of {@code site} now (it is not put to sleep while it has some). */
  void touch(String site) {
    shared.touch(site);
  }

  /** The client's address, or null if unknown. */
  InetAddress clientAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
  }

  /** The client's address as text (IPv6 compressed), or null if unknown; worked out once per connection. */
  String clientText() {
    if (clientText == null && clientAddress() != null) {
      clientText = NetUtil.toAddressString(clientAddress());
    }
    return clientText;
  }

  /** The edge's port the client connected to, as text; worked out once per connection. */
  String localPort() {
    if (portText == null) {
      portText = Integer.toString(ctx.channel().localAddress() instanceof InetSocketAddress address ? address.getPort() : 0);
    }
    return portText;
  }
}
