package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upstream connection: passes response parts ({@link ResponseReader}) and read/close events
 * to the {@link UpstreamListener} of the client connection it serves. It drops interim (1xx) responses, since the
 * edge answers {@code 100-continue} itself, and closes the connection on malformed responses, on a protocol
 * switch nobody asked for and when it has been idle too long.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

  /** Where this connection's events go: the client connection (or stream) it serves; null while it waits in the pool. */
  private UpstreamListener frontend;

  /** Hands the connection to a client connection (taken from the pool), or to none (put in the pool, or dropped). */
  void attach(UpstreamListener frontend) {
    this.frontend = frontend;
  }

  /** When the connection last finished an exchange (System.nanoTime), while it waits in the {@link IdlePool}. */
  long idleSince;
  /** Whether the {@link IdlePool} watches for its close already. */
  boolean pooled;

  /** The handler of the upstream connection {@code ch}, or null (it switched protocols). */
  static BackendHandler of(Channel ch) {
    return ch.pipeline().last() instanceof BackendHandler last ? last : ch.pipeline().get(BackendHandler.class);
  }

  /** Stops the connection {@code ch} reporting to anyone (before it is closed by the one it served). */
  static void detach(Channel ch) {
    BackendHandler backend = of(ch);
    if (backend != null) {
      backend.frontend = null;
    }
  }

  BackendHandler(UpstreamListener frontend) {
    this.frontend = frontend;
  }

  /** Set once the connection switched protocols: what follows is the new protocol's bytes, for the client. */
  private boolean switched;
  /** Set when this connection is being closed for speaking out of turn: nothing more of it is passed on. */
  private boolean dropping;
  private final List<ByteBuf> early = new ArrayList<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (frontend == null) { // an idle connection must not speak
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (dropping) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (switched) {
      if (msg instanceof ByteBuf bytes) {
        early.add(bytes); // sent right behind the 101: handed to the relay when it takes over
      } else {
        ReferenceCountUtil.release(msg); // the 101's (empty) end
      }
      return;
    }
    if (msg instanceof UpstreamHead head && head.status() < 200) {
      if (head.status() == 101) {
        if (frontend.switched(head)) {
          switched = true;
        } else {
          dropping = true;
          ctx.close(); // a switch nobody asked for
        }
      } // else interim: the real response follows
      return;
    }
    frontend.responsePart(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (frontend == null) {
      ctx.read(); // idle in the pool: keep watching for its close
      return;
    }
    if (!switched) {
      frontend.readComplete();
    }
  }

  /** After a switch: the bytes the upstream sent right behind its 101, for the client before anything else. */
  List<ByteBuf> takeEarly() {
    List<ByteBuf> out = new ArrayList<>(early);
    early.clear();
    return out;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    early.forEach(ReferenceCountUtil::release);
    early.clear();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!switched && frontend != null) {
      frontend.closed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      log.debug("Upstream {} idle for too long, closing", ctx.channel().remoteAddress());
      if (frontend != null) {
        frontend.timedOut();
      }
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("Upstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("Upstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }
}
