package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The last handler of a client connection (or HTTP/2 stream): serves its requests one at a time, each as an
 * {@link Exchange} of its own. A request part is read only when the exchange asks for it ({@link #read},
 * {@link RequestPump}). When a head comes, {@link RouteDecision} decides with the route table in force at that moment
 * what becomes of it. Pages the edge answers itself ({@link Pages}) are sent while the request body is read and
 * discarded; forwarded requests go to the {@link Forwarder}. The body passes the {@link BodyGuard} on the way; the
 * next part is read only once the previous one was written upstream, and the next head only once the client takes
 * what was written to it. All methods run on the connection's event loop.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  private final Shared shared;
  private final boolean tls;
  /** Whether the client speaks HTTP/1.x here: answers go as bytes; else (an HTTP/2 stream) as Netty's objects. */
  final boolean raw;
  private final long bodyTimeoutNanos;
  private final long headTimeoutNanos;
  private final Forwarder forwarder;
  private ChannelHandlerContext ctx;
  private RequestPump reader;
  private Forwarding forwarding;
  /** The next head is read once the client connection is writable again. */
  private boolean headWhenWritable;
  /** Request heads seen on this connection. */
  private long heads;
  /** The exchange in progress; null while waiting for a request head. */
  private Exchange exchange;

  /**
   * @param tls whether the client connection is TLS
   * @param http2 whether this is an HTTP/2 stream (whose requests come as bytes, {@link Http2Requests})
   */
  FrontendHandler(Shared shared, boolean tls, boolean http2) {
    this.shared = shared;
    this.tls = tls;
    this.raw = !http2;
    this.bodyTimeoutNanos = shared.config().bodyTimeout().toNanos();
    this.headTimeoutNanos = shared.config().headerTimeout().toNanos();
    this.forwarder = new Forwarder(this, shared, tls, raw);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.reader = new RequestPump(ctx, this::take, this::nothingYet, headTimeoutNanos, this::lateHead);
    this.forwarding = new Forwarding(ctx.channel(), tls);
    forwarder.attach(ctx, forwarding);
    if (ctx.channel().isActive()) {
      read(); // added after the TLS handshake: channelActive has come and gone
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (exchange != null) {
      exchange.body.stopWaiting();
    }
    reader.add(bytes);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reader.readComplete();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange ex = exchange;
    if (ex != null) {
      ex.body.stopWaiting();
    }
    reader.stop();
    shared.budgets().giveBack(ex);
    forwarder.release(ex == null || ex.mode != Exchange.Mode.PROXY || (ex.requestDone && ex.responseDone && ex.requestSent));
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) { // (also when a protocol switch hands the connection on)
    if (exchange != null) {
      exchange.body.stopWaiting();
      shared.budgets().giveBackOnClose(exchange, ctx.channel()); // a WebSocket tunnel counts until it closes
    }
    reader.release();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      Exchange ex = exchange; // (while the upstream is working on the response, its own idle timeout applies)
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
    // A client that went away, or a TLS handshake it gave up (it did not trust a certificate, say), is no news.
    boolean usual = cause instanceof IOException || cause.getCause() instanceof SSLException;
    log.atLevel(usual ? Level.DEBUG : Level.WARN).log("Client {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** Asks for one more request part (a head when no exchange is in progress): handed out now if it came already. */
  void read() {
    reader.want();
  }

  /** A part of the body is wanted that is not there yet: the wait is timed. */
  private void nothingYet() {
    Exchange ex = exchange;
    if (ex != null && !ex.requestDone) {
      startBodyWait(ex);
    }
  }

  private void take(Object part) {
    if (!raw && (part instanceof RequestReader.End || part instanceof ClientRequest r && !r.hasBody())) {
      reader.stop(); // an HTTP/2 stream carries one request: whatever follows it is no request
    }
    Exchange ex = exchange;
    if (part instanceof ClientRequest request) {
      startExchange(request);
    } else if (part instanceof RequestReader.Refused refused) {
      if (ex == null) {
        refuse(Exchange.unread(), HttpResponseStatus.valueOf(refused.status()), refused.reason());
      } else { // the body broke: the upstream has the head and part of it, and must see nothing more on that connection
        log.debug("Client {} sent a malformed body: {}", ctx.channel().remoteAddress(), refused.reason());
        spoiled(ex, Pages.page(HttpResponseStatus.BAD_REQUEST, "The request's body could not be read."));
      }
    } else if (ex != null) {
      requestContent(ex, part instanceof ByteBuf data ? data : null, part instanceof RequestReader.End end ? end : null);
    } else {
      ReferenceCountUtil.release(part);
    }
  }

  /** A head started and did not come whole in time: a slow or stalled client (slowloris). */
  private void lateHead() {
    if (exchange != null) {
      return;
    }
    log.debug("Client {}: request head not complete in time", ctx.channel().remoteAddress());
    if (heads == 0) {
      tooSlow(Exchange.unread());
    } else {
      ctx.close(); // (a response went out on this connection already)
    }
  }

  // ---- the request side

  private void startExchange(ClientRequest request) {
    Exchange ex = Exchange.of(request);
    exchange = ex;
    heads++;
    carryOut(ex, request, decide(request, true));
  }

  private RouteDecision decide(ClientRequest r, boolean mayWake) {
    return RouteDecision.decide(r.routing(), shared.routes().get(), tls, shared.httpsPort().getAsInt(), shared.challenges(), mayWake,
        RouteDecision.loopback(ctx.channel().remoteAddress()), shared.panelHsts().getAsBoolean());
  }

  /** Does what {@link RouteDecision} decided. */
  private void carryOut(Exchange ex, ClientRequest request, RouteDecision decision) {
    if (decision.site() != null) {
      ex.log.site(decision.site());
    }
    if (decision.keepsAwake()) {
      shared.touch(decision.site()); // (it is not put to sleep while it has traffic)
    }
    switch (decision) {
      case RouteDecision.Refused r -> refuse(ex, HttpResponseStatus.valueOf(r.status()), r.reason());
      case RouteDecision.NotAProxy n ->
          respond(ex, Pages.page(HttpResponseStatus.METHOD_NOT_ALLOWED, "This server is not a forward proxy."));
      case RouteDecision.AcmeAnswer a -> respond(ex, Pages.text(a.keyAuthorization()));
      case RouteDecision.RedirectToHttps r -> respond(ex, Pages.redirect(r.location()));
      case RouteDecision.ApiOverHttp a -> respond(ex, Pages.httpsRequired(a.location()));
      case RouteDecision.TooLarge t -> {
        ex.keepAlive = false;
        respond(ex, Pages.tooLarge(t.maxBodyBytes()));
      }
      case RouteDecision.Forward f -> {
        if (!shared.budgets().take(ex, ctx.channel().remoteAddress(), f.address())) {
          respond(ex, Pages.tooManyAtOnce(f.target()));
          return;
        }
        ex.policy = f.policy();
        ex.body.limit(f.site() == null ? Long.MAX_VALUE : f.policy().maxBodyBytes());
        forwarder.forward(ex, request, f.address(), f.target());
      }
      case RouteDecision.Stopped s -> respond(ex, Pages.stopped(s.site()));
      case RouteDecision.Wake w -> wake(ex, request, w.site());
      case RouteDecision.CannotWake c -> respond(ex, Pages.cannotWake(c.site()));
      case RouteDecision.NotFound n -> respond(ex, Pages.notFound(n.host()));
    }
  }

  /** Holds the request (nothing more is read from the client meanwhile) until its sleeping site runs. */
  private void wake(Exchange ex, ClientRequest request, String site) {
    ex.mode = Exchange.Mode.WAKING;
    shared.waker().wake(site).whenComplete((ok, failure) -> ctx.executor().execute(() -> {
      if (!ctx.channel().isActive() || exchange != ex || ex.mode != Exchange.Mode.WAKING) {
        return;
      }
      if (failure != null) {
        log.warn("{}: could not wake the site {}: {}", ex.requestLine(), site, failure.getMessage());
        respond(ex, Pages.cannotWake(site));
      } else {
        carryOut(ex, request, decide(request, false));
      }
    }));
  }

  /** A request the edge cannot read as exactly one is never passed on, nor anything after it: answer and close. */
  private void refuse(Exchange ex, HttpResponseStatus status, String reason) {
    exchange = ex;
    ex.keepAlive = false;
    ex.requestDone = true;
    reader.stop();
    log.debug("Client {}: refused {}: {}", ctx.channel().remoteAddress(), ex.requestLine(), reason);
    respond(ex, Pages.page(status, reason));
  }

  /** A part of the request body ({@code data}), or its {@code end}. */
  private void requestContent(Exchange ex, ByteBuf data, RequestReader.End end) {
    boolean proxy = ex.mode == Exchange.Mode.PROXY;
    if (data != null) {
      ex.body.received(data.readableBytes());
    }
    if (proxy && ex.body.overLimit()) { // a chunked body that grew past the site's limit
      ReferenceCountUtil.release(data);
      spoiled(ex, Pages.tooLarge(ex.body.limit()));
    } else if (end == null && ex.body.tooSlow()) {
      log.debug("Client {}: request body slower than {} bytes/s", ctx.channel().remoteAddress(), EdgeConfig.MIN_BODY_RATE);
      ReferenceCountUtil.release(data);
      forwarder.close();
      tooSlow(ex);
    } else if (!(proxy && forwarder.forwardPart(ex, data, end))) {
      ReferenceCountUtil.release(data);
      if (ex.mode == Exchange.Mode.LOCAL) {
        if (end != null) {
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
    reader.stop();
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
    Object out = raw ? Pages.bytes(page, ex.headRequest, ctx.alloc()) : ex.headRequest ? Pages.headOnly(page) : page;
    ctx.writeAndFlush(out).addListener((ChannelFuture f) -> {
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

  /**
   * Once both the request and the response of {@code ex} are done: reads the next request head, as soon as the
   * client takes what was written to it (a client that sends requests without reading the answers is not read).
   */
  void readNextRequest(Exchange ex) {
    if (exchange == ex && ex.requestDone && ex.responseDone) {
      ex.body.stopWaiting();
      shared.budgets().giveBack(ex);
      exchange = null;
      if (ctx.channel().isWritable()) {
        read();
      } else {
        headWhenWritable = true;
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      forwarder.writable();
      if (headWhenWritable && exchange == null) {
        headWhenWritable = false;
        read();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** The bytes the client sent after the request that switched protocols; nothing more is read as HTTP. */
  ByteBuf takeRest() {
    return reader.takeRest();
  }

  /** The edge now waits on the client for more of the request body: for {@code bodyTimeout} at most. */
  private void startBodyWait(Exchange ex) {
    ex.body.startWaiting(ctx.executor(), bodyTimeoutNanos, () -> {
      if (exchange == ex && !ex.requestDone && reader.wanting()) {
        log.debug("Client {}: no request body for too long", ctx.channel().remoteAddress());
        forwarder.close();
        tooSlow(ex);
      }
    });
  }

  /** 408 and close when nothing was answered yet; else just close. */
  private void tooSlow(Exchange ex) {
    reader.stop();
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
    String site = ex.log.writeTo(shared.accessLog(), forwarding.clientText());
    if (site != null) {
      shared.touch(site); // a long download counts as activity until it ends
    }
  }
}
