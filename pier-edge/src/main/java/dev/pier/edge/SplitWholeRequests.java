package dev.pier.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Passes a request that comes as one object (an HTTP/2 stream without a body, or a head the HTTP/1.1 decoder could
 * not read) on as two, its head and then its end, as every other request comes, so that the {@link FrontendHandler}
 * sees one shape only. Before {@link OneMessagePerRead}, which hands the end out at the next read.
 */
final class SplitWholeRequests extends ChannelInboundHandlerAdapter {

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest full) {
      HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
      head.setDecoderResult(full.decoderResult());
      ctx.fireChannelRead(head);
      ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
