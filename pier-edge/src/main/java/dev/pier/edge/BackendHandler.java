package dev.pier.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upstream connection: passes decoded response parts and read/close events to the
 * {@link FrontendHandler} that owns the connection. It drops interim (1xx) responses, since the edge
 * answers {@code 100-continue} itself, and closes the connection on malformed responses, on a protocol
 * switch (which the edge does not support) and when it has been idle too long.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

  private final FrontendHandler frontend;
  private boolean skippingInterim;

  BackendHandler(FrontendHandler frontend) {
    this.frontend = frontend;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject part)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (part.decoderResult().isFailure()) {
      log.warn("Upstream {} sent a malformed response: {}", ctx.channel().remoteAddress(),
          part.decoderResult().cause().toString());
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (part instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      skippingInterim = true;
    }
    if (skippingInterim) {
      skippingInterim = !(part instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    frontend.upstreamRead(ctx.channel(), part);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    frontend.upstreamReadComplete(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    frontend.upstreamClosed(ctx.channel());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      log.debug("Upstream {} idle for too long, closing", ctx.channel().remoteAddress());
      frontend.upstreamTimedOut(ctx.channel());
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
