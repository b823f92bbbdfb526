package dev.pier.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
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
  private final int maxPerAddress;
  /** Open (or opening) connections per upstream address, across all event loops. */
  private final java.util.concurrent.ConcurrentHashMap<InetSocketAddress, java.util.concurrent.atomic.AtomicInteger> open =
      new java.util.concurrent.ConcurrentHashMap<>();

  UpstreamConnector(Duration connectTimeout, Duration idleTimeout) {
    this(connectTimeout, idleTimeout, Integer.MAX_VALUE);
  }

  UpstreamConnector(Duration connectTimeout, Duration idleTimeout, int maxPerAddress) {
    this.maxPerAddress = maxPerAddress;
    this.idleMillis = idleTimeout.toMillis();
    this.template = new Bootstrap()
        .channel(Transport.clientChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE));
  }

  /**
   * Starts connecting to {@code address} on {@code loop}; upstream events are reported to {@code frontend}.
   * Returns null, opening nothing, when the address already has its most connections open.
   */
  ChannelFuture connect(EventLoop loop, InetSocketAddress address, FrontendHandler frontend) {
    java.util.concurrent.atomic.AtomicInteger count = open.computeIfAbsent(address, a -> new java.util.concurrent.atomic.AtomicInteger());
    if (count.incrementAndGet() > maxPerAddress) {
      count.decrementAndGet();
      return null;
    }
    ChannelFuture f = template.clone(loop).handler(new ChannelInitializer<Channel>() {
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
    f.channel().closeFuture().addListener(done -> count.decrementAndGet());
    return f;
  }

  /** Connections open to {@code address} now. */
  int openTo(InetSocketAddress address) {
    java.util.concurrent.atomic.AtomicInteger c = open.get(address);
    return c == null ? 0 : c.get();
  }
}
