package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Encodes the responses the edge makes itself (its pages, {@code 100 Continue}) and lets bytes through as they are:
 * a proxied response is already bytes ({@link ClientHead}, and the body as it came), which Netty's encoder would
 * refuse outside a response it encoded.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {

  @Override
  public boolean acceptOutboundMessage(Object msg) throws Exception {
    return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
  }
}
