package dev.pier.edge;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Turns each {@code read()} from the handler after it into exactly one {@code channelRead}. A decoder may
 * produce several messages from one socket read (a request head and its last content, or pipelined
 * requests); the extra ones wait here until they are asked for, and the socket is read only when none is
 * waiting. The channel must have auto-read off. At most one socket read's worth of messages is held.
 *
 * <p>Netty's {@code FlowControlHandler} does the same in principle, but in Netty 4.2 it forgets a
 * {@code read()} issued while a read cycle is in progress, which stalls keep-alive connections.
 */
final class OneMessagePerRead extends ChannelDuplexHandler {

  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean demand;

  @Override
  public void read(ChannelHandlerContext ctx) {
    Object next = waiting.poll();
    if (next != null) {
      ctx.fireChannelRead(next);
    } else {
      demand = true;
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (demand && waiting.isEmpty()) {
      demand = false;
      ctx.fireChannelRead(msg);
    } else {
      waiting.add(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (demand) {
      ctx.read(); // the socket read produced no complete message yet: keep reading
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseWaiting();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseWaiting();
  }

  private void releaseWaiting() {
    for (Object msg; (msg = waiting.poll()) != null; ) {
      ReferenceCountUtil.release(msg);
    }
  }
}
