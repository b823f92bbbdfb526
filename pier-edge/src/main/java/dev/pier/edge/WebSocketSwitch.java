package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;

/**
 * The switch of a client connection and its upstream connection from HTTP to a WebSocket relay, once the upstream
 * answered 101 and the answer went to the client: both drop HTTP and relay bytes ({@link Relay}), with the
 * WebSocket idle timeout.
 */
final class WebSocketSwitch {

  /** How long a WebSocket connection may be silent in both directions before it is closed. */
  static final Duration WEBSOCKET_IDLE = Duration.ofHours(1);

  private WebSocketSwitch() {}

  /**
   * Replaces HTTP by a relay on both connections. Bytes a side sent early, still in its decoder, are passed on
   * first. If either side went away meanwhile, both are closed.
   *
   * @param client the context of the client connection's last handler, {@code frontend}
   * @param onTraffic run at each read of either side (a WebSocket in use keeps its site awake)
   */
  static void relay(ChannelHandlerContext client, FrontendHandler frontend, Channel up, Runnable onTraffic) {
    if (!up.isActive() || !client.channel().isActive()) { // one side went away during the hand-over
      BackendHandler backend = up.pipeline().get(BackendHandler.class);
      if (backend != null) {
        backend.takeEarly().forEach(ReferenceCountUtil::release);
      }
      up.close();
      client.close();
      return;
    }
    ChannelPipeline clientSide = client.pipeline();
    ChannelPipeline server = up.pipeline();
    server.remove(ResponseReader.class); // (what it still holds goes to the BackendHandler, as early bytes)
    List<ByteBuf> early = server.get(BackendHandler.class).takeEarly();
    server.replace(BackendHandler.class, "relay", new Relay(client.channel(), onTraffic));
    server.replace(IdleTimer.class, "idle", new IdleTimer(WEBSOCKET_IDLE));
    ByteBuf clientEarly = frontend.takeRest(); // what the client sent right behind its request: the new protocol's
    if (clientEarly != null && clientEarly.isReadable()) {
      up.writeAndFlush(clientEarly);
    } else if (clientEarly != null) {
      clientEarly.release();
    }
    clientSide.replace(IdleTimer.class, "idle", new IdleTimer(WEBSOCKET_IDLE));
    Channel channel = client.channel(); // (the context goes with its handler)
    clientSide.replace(frontend, "relay", new Relay(up, onTraffic));
    early.forEach(channel::write);
    channel.flush();
  }
}
