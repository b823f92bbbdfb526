package dev.pier.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * After a protocol switch (a WebSocket upgrade answered 101), the bytes of one side written to the other as they
 * come, with back-pressure: the next read waits until the last write went out. Either side closing closes the
 * other once what it sent is written.
 */
final class Relay extends ChannelInboundHandlerAdapter {

  private final Channel other;
  private final Runnable onTraffic;

  Relay(Channel other) {
    this(other, () -> { });
  }

  /** @param onTraffic run at each read (a WebSocket in use keeps its site awake) */
  Relay(Channel other, Runnable onTraffic) {
    this.other = other;
    this.onTraffic = onTraffic;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (!other.isActive()) {
      ctx.close();
    } else if (ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    onTraffic.run();
    if (!other.isActive()) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    other.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        ctx.read();
      } else {
        ctx.close();
        other.close();
      }
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (other.isActive()) {
      other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
