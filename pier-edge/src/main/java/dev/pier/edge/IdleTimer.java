package dev.pier.edge;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} once a connection has neither read anything nor flushed anything
 * for the timeout. Netty's {@code IdleStateHandler} does the same with a listener on every write; this one notes the
 * time at each read and each flush, which is all the edge needs: it flushes what it relays, and stops relaying (so
 * stops flushing) when the other side does not take what it is sent.
 */
final class IdleTimer extends ChannelDuplexHandler {

  private final long timeoutNanos;
  private long last;
  private ScheduledFuture<?> check;

  IdleTimer(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (check == null) {
      last = ctx.executor().ticker().nanoTime();
      check = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void check(ChannelHandlerContext ctx) {
    if (!ctx.channel().isOpen()) {
      return;
    }
    long idle = ctx.executor().ticker().nanoTime() - last;
    if (idle >= timeoutNanos) {
      last = ctx.executor().ticker().nanoTime(); // once per timeout at most
      check = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
      ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    } else {
      check = ctx.executor().schedule(() -> check(ctx), timeoutNanos - idle, TimeUnit.NANOSECONDS);
    }
  }

  // Times come from the executor's ticker (System.nanoTime, or a test's clock).
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    last = ctx.executor().ticker().nanoTime();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    last = ctx.executor().ticker().nanoTime();
    ctx.flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }
}
