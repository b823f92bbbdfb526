package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpRequestEncoder;

/**
 * Encodes requests sent as Netty objects (those of HTTP/2 streams) and lets bytes through as they are: a request
 * of an HTTP/1.x client goes as bytes ({@link UpstreamRequest}), which Netty's encoder would refuse outside a
 * request it encoded.
 */
final class UpstreamRequestEncoder extends HttpRequestEncoder {

  @Override
  public boolean acceptOutboundMessage(Object msg) throws Exception {
    return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
  }
}
