package dev.pier.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Opens upstream connections: NIO, auto-read off, HTTP/1.1 client codec, closed after the configured idle
 * time. Each connection is opened on the client connection's event loop, so the two never need locks.
 */
final class UpstreamConnector {

  private final Bootstrap template;
  private final long idleMillis;

  UpstreamConnector(Duration connectTimeout, Duration idleTimeout) {
    this.idleMillis = idleTimeout.toMillis();
    this.template = new Bootstrap()
        .channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE));
  }

  /** Starts connecting to {@code address} on {@code loop}; upstream events are reported to {@code frontend}. */
  ChannelFuture connect(EventLoop loop, InetSocketAddress address, FrontendHandler frontend) {
    return template.clone(loop).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(64 * 1024);
        ch.pipeline().addLast(
            new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS),
            new HttpClientCodec(decoder, false, false),
            new BackendHandler(frontend));
      }
    }).connect(address);
  }
}
