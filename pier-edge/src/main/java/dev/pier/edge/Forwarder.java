package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream side of one client connection: sends the exchange's request on an upstream connection (the idle one
 * of this event loop used last, from the {@link IdlePool}, or a new one) and relays the response back, reading the
 * upstream again only while the client takes what was relayed. When the response ended, the connection goes back to
 * the pool, as nginx does: each request takes the connection that ended last, whose site process is likeliest to be
 * free, and stays off those the site is closing. The upstream connection reports here ({@link UpstreamListener}), and
 * only while it is the current one.
 */
final class Forwarder implements UpstreamListener {

  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

  private final FrontendHandler frontend;
  private final Shared shared;
  private final UpstreamConnector connector;
  private final IdlePool pool;
  private final boolean tls;
  /**
   * Whether the client speaks HTTP/1.x on this connection: then responses go to it as bytes, as they came but for
   * the head's few changes ({@link ClientHead#bytes}); else (an HTTP/2 stream) as Netty's objects.
   */
  private final boolean raw;
  private ChannelHandlerContext ctx;

  // The upstream connection of the exchange in progress (back in the pool once its response ended).
  private Channel upstream;
  private InetSocketAddress upstreamAddress;
  /** When the kept-alive upstream connection last finished an exchange (System.nanoTime). */
  private long idleSince;
  /** Something was written to the client in this read of the upstream, not yet flushed. */
  private boolean relayed;
  /** The exchange whose response ended in this read of the upstream, finished once that is flushed. */
  private Exchange finished;
  /** The upstream is read again once the client connection is writable. */
  private boolean readWhenWritable;
  private Channel readerOf;
  private ResponseReader upstreamReader;
  private Forwarding forwarding;

  Forwarder(FrontendHandler frontend, Shared shared, boolean tls, boolean raw) {
    this.frontend = frontend;
    this.shared = shared;
    this.raw = raw;
    this.connector = shared.connector();
    this.pool = shared.pool();
    this.tls = tls;
  }

  void attach(ChannelHandlerContext ctx, Forwarding forwarding) {
    this.ctx = ctx;
    this.forwarding = forwarding;
  }

  /** Starts forwarding the exchange's request (its head now, its body as it comes) to {@code address}. */
  void forward(Exchange ex, ClientRequest request, InetSocketAddress address, String target) {
    ex.mode = Exchange.Mode.PROXY;
    ex.target = target;
    ex.proxiedTo = address;
    ex.resend.sending(false);
    connectAndSend(ex, request, address, true);
  }

  /** @param mayReuse whether an idle pooled connection may serve (not for a request sent again after a stale one) */
  private void connectAndSend(Exchange ex, ClientRequest request, InetSocketAddress address, boolean mayReuse) {
    if (mayReuse) {
      release(true); // (an exchange ended without handing its connection back)
    } else {
      close(); // the connection that went stale
    }
    Channel pooled = mayReuse ? pool.take(ctx.channel().eventLoop(), address, this) : null;
    if (pooled != null) {
      upstream = pooled;
      upstreamAddress = address;
      ex.resend.sending(true); // it may be closed by the site just now: then the request is sent again
      sendHead(ex, pooled, request);
      return;
    }
    ChannelFuture connecting = connector.connect(ctx.channel().eventLoop(), address, this);
    if (connecting == null) {
      log.warn("{}: {} has too many connections open; answering 503", ex.requestLine(), ex.target);
      FullHttpResponse busy = Pages.page(HttpResponseStatus.SERVICE_UNAVAILABLE, ex.target + " is too busy right now. Try again in a moment.");
      busy.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
      frontend.respond(ex, busy);
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
        sendHead(ex, up, request);
      } else {
        BackendHandler.detach(up);
        upstream = null;
        log.warn("{}: {} is not answering: {}", ex.requestLine(), ex.target, f.cause().getMessage());
        frontend.respond(ex, Pages.badGateway(ex.target + " is not answering."));
      }
    });
  }

  /** The request head as it goes upstream: the client's lines, less those the edge drops, and the ones it sets. */
  private ByteBuf upstreamHead(ClientRequest request) {
    byte[] lines = forwarding.lines(request.host());
    ByteBuf out = ctx.alloc().buffer(request.length() + lines.length + 64);
    request.writeUpstream(out, lines);
    return out;
  }

  private static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(
      Unpooled.copiedBuffer("HTTP/1.1 100 Continue\r\n\r\n", StandardCharsets.US_ASCII));

  private void sendHead(Exchange ex, Channel up, ClientRequest request) {
    ResponseReader reader = reader(up);
    if (reader != null) {
      reader.expect(ex.headRequest, !raw || ex.http10);
    }
    ByteBuf head = upstreamHead(request);
    if (ex.bodiless) { // all of the request: nothing waits for the write (one that fails closes the connection, closed())
      ex.requestSent = true;
      up.writeAndFlush(head, up.voidPromise());
    } else {
      up.writeAndFlush(head).addListener((ChannelFuture f) -> {
        if (!f.isSuccess()) {
          up.close();
        } else if (up == upstream && frontend.current() == ex && ex.mode == Exchange.Mode.PROXY) {
          if (ex.expectsContinue) {
            ex.expectsContinue = false;
            ctx.writeAndFlush(raw ? CONTINUE.duplicate() : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
          }
          if (!ex.requestDone) {
            frontend.read();
          }
        }
      });
    }
    up.read();
  }

  /**
   * Writes a part of the request body ({@code data}) or its {@code end} upstream; the next part is read once it is
   * written. Returns false, taking nothing, when there is no upstream connection to write to.
   */
  boolean forwardPart(Exchange ex, ByteBuf data, RequestReader.End end) {
    Channel up = upstream;
    if (up == null) {
      return false;
    }
    boolean last = end != null;
    ex.requestDone = last;
    up.writeAndFlush(ClientRequest.upstreamBody(ex.chunked, data, end, ctx.alloc())).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        up.close();
      } else if (up == upstream && frontend.current() == ex && ex.mode == Exchange.Mode.PROXY) {
        if (last) {
          ex.requestSent = true;
          frontend.readNextRequest(ex);
        } else {
          frontend.read();
        }
      }
    });
    return true;
  }

  @Override
  public void responsePart(Object part) {
    Exchange ex = frontend.current();
    Channel up = upstream;
    if (up == null || ex == null || ex.mode != Exchange.Mode.PROXY || ex.responseReceived) {
      ReferenceCountUtil.release(part);
      if (up != null) {
        up.close(); // an upstream must not speak out of turn
      }
      return;
    }
    boolean last = part == ResponseReader.END;
    Object out;
    if (part instanceof UpstreamHead head) {
      out = raw ? ClientHead.bytes(head, ex, tls, ctx.alloc()) : ClientHead.object(head, ex, tls);
    } else if (last) {
      ResponseReader reader = reader(up);
      ex.log.sent(reader == null ? 0 : reader.bodyBytes());
      out = raw ? null : LastHttpContent.EMPTY_LAST_CONTENT;
    } else if (part instanceof ByteBuf body && !ex.discardBody) {
      out = raw ? body : new DefaultHttpContent(body);
    } else {
      ReferenceCountUtil.release(part);
      return;
    }
    if (out != null) {
      ctx.write(out, ctx.voidPromise()); // (a failed write closes the client connection)
    }
    relayed = true;
    if (last) {
      ex.responseReceived = true;
      idleSince = System.nanoTime(); // the site's keep-alive timer runs from about now
      frontend.logExchange(ex);
      finished = ex; // finished at the end of this read, once it is flushed
    }
  }

  /**
   * What was relayed goes to the client, and the upstream is read again once the client connection takes more
   * ({@link #writable}); a response that ended is finished ({@link #finishResponse}).
   */
  @Override
  public void readComplete() {
    Channel up = upstream;
    if (relayed) {
      relayed = false;
      ctx.flush();
    }
    Exchange done = finished;
    if (done != null) {
      finished = null;
      finishResponse(done, up);
    }
    if (up == null || up != upstream) {
      return;
    }
    if (ctx.channel().isWritable()) {
      up.read();
    } else {
      readWhenWritable = true;
    }
  }

  /** The client connection takes more again: the upstream is read again if it waited for that. */
  void writable() {
    if (readWhenWritable && ctx.channel().isWritable()) {
      readWhenWritable = false;
      if (upstream != null) {
        upstream.read();
      }
    }
  }

  /** The response reader of an upstream connection, or null once it switched protocols. */
  private ResponseReader reader(Channel up) {
    if (up != readerOf) {
      readerOf = up;
      upstreamReader = up.pipeline().get(ResponseReader.class);
    }
    return upstreamReader;
  }

  @Override
  public boolean switched(UpstreamHead head) {
    Exchange ex = frontend.current();
    Channel up = upstream;
    if (up == null || ex == null || ex.mode != Exchange.Mode.PROXY || !ex.upgrading || ex.responseStarted || !raw) {
      return false;
    }
    ex.responseStarted = ex.responseReceived = true;
    String site = ex.log.site();
    ex.log.status(101);
    frontend.logExchange(ex);
    ByteBuf answer = ClientHead.switching(head, ctx.alloc());
    upstream = null; // from now on the relay owns it
    ctx.writeAndFlush(answer).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        up.close();
        ctx.close();
        return;
      }
      // Later on the event loop, not in this listener: the upstream's reader may still be handing out what it
      // read with the 101 (bytes of the new protocol), which must reach the old handler first.
      Runnable touch = site == null ? () -> { } : () -> shared.touch(site);
      ctx.executor().execute(() -> WebSocketSwitch.relay(ctx, frontend, up, touch));
    });
    return true;
  }

  @Override
  public void timedOut() {
    Exchange ex = frontend.current();
    if (ex != null) {
      ex.upstreamTimedOut = true;
    }
  }

  @Override
  public void closed() {
    Channel up = upstream;
    if (up == null) {
      return;
    }
    if (finished != null) { // a response that ended with the connection (its body ran until the close)
      readComplete(); // (which may have begun the next exchange, on another connection)
      if (upstream == up) {
        upstream = null;
        upstreamAddress = null;
      }
      return;
    }
    if (relayed) {
      relayed = false;
      ctx.flush();
    }
    upstream = null;
    upstreamAddress = null;
    Exchange ex = frontend.current();
    if (ex == null || ex.mode != Exchange.Mode.PROXY || ex.responseReceived) {
      return;
    }
    if (!ex.responseStarted && !ex.upstreamTimedOut && ex.resend.resendAfterClose(ex.responseStarted, ex.body.bytes())) {
      ex.requestSent = false;
      log.debug("{}: {} closed a kept-alive connection before answering; sending the request again", ex.requestLine(), ex.target);
      connectAndSend(ex, ex.request(), ex.proxiedTo, false);
      return;
    }
    if (!ex.responseStarted && ex.upstreamTimedOut) {
      log.warn("{}: {} did not answer in time", ex.requestLine(), ex.target);
      frontend.respond(ex, Pages.page(HttpResponseStatus.GATEWAY_TIMEOUT, ex.target + " did not answer in time."));
    } else if (!ex.responseStarted) {
      log.warn("{}: {} did not answer (connection closed)", ex.requestLine(), ex.target);
      frontend.respond(ex, Pages.badGateway(ex.target + " is not answering."));
    } else {
      log.warn("{}: {} stopped mid-response (connection closed or idle timeout)", ex.requestLine(), ex.target);
      ctx.close();
    }
  }

  private void finishResponse(Exchange ex, Channel up) {
    ex.responseDone = true;
    if (!ex.requestDone) {
      ex.keepAlive = false; // the upstream answered before the whole body was sent: both connections are spoiled
    }
    ResponseReader reader = up == null ? null : reader(up);
    if (up == upstream && (!ex.upstreamKeepAlive || !ex.requestDone || !ex.requestSent || reader == null || !reader.drained())) {
      // A request part still being written, or bytes of the site's beyond its response, would reach whoever uses the
      // connection next.
      close();
    } else if (up == upstream) {
      release(true); // to be taken again by whichever exchange of this loop comes next, as nginx does
    }
    if (ex.keepAlive) {
      frontend.readNextRequest(ex);
    } else {
      if (raw) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE); // once all of it is written
      } else {
        ctx.close(); // (an HTTP/2 stream: its end was written and flushed)
      }
    }
  }

  /**
   * Gives the upstream connection to the pool when it sits idle between exchanges ({@code idle}: the last exchange
   * on it ended, and {@link #finishResponse} kept it, so the site keeps it alive); closes it otherwise.
   */
  void release(boolean idle) {
    Channel up = upstream;
    if (idle && up != null && up.isActive() && upstreamAddress != null) {
      InetSocketAddress address = upstreamAddress;
      upstream = null;
      upstreamAddress = null;
      relayed = false;
      pool.give(up, address, idleSince);
    } else {
      close();
    }
  }

  /** Closes the upstream connection, if any, without hearing from it again. */
  void close() {
    Channel up = upstream;
    upstream = null;
    upstreamAddress = null;
    relayed = false;
    if (up != null) {
      BackendHandler.detach(up);
      up.close();
    }
  }
}
