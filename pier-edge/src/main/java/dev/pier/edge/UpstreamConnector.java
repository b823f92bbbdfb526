package dev.pier.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens upstream connections: auto-read off, requests written as bytes, responses read as bytes ({@link ResponseReader}),
 * closed after the configured idle time, at most
 * so many per address. Each connection is opened on the client connection's event loop, so the two never need
 * locks. Idle connections are kept apart, in the {@link IdlePool}.
 */
final class UpstreamConnector {

  private final Bootstrap template;
  private final long idleMillis;
  private final int maxPerAddress;
  /** Open (or opening) connections per upstream address, across all event loops. */
  private final ConcurrentHashMap<InetSocketAddress, AtomicInteger> open = new ConcurrentHashMap<>();

  /** For tests: the best transport here, no cap. */
  UpstreamConnector(Duration connectTimeout, Duration idleTimeout) {
    this(Transport.choose(System.getProperty("pier.edge.transport", Transport.DEFAULT)), connectTimeout, idleTimeout, Integer.MAX_VALUE);
  }

  UpstreamConnector(Transport transport, Duration connectTimeout, Duration idleTimeout, int maxPerAddress) {
    this.maxPerAddress = maxPerAddress;
    this.idleMillis = idleTimeout.toMillis();
    this.template = new Bootstrap()
        .channel(transport.clientChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE));
  }

  /**
   * Starts connecting to {@code address} on {@code loop}; the connection reports to {@code listener}. Returns null,
   * opening nothing, when the address already has its most connections open.
   */
  ChannelFuture connect(EventLoop loop, InetSocketAddress address, UpstreamListener listener) {
    AtomicInteger count = open.computeIfAbsent(address, a -> new AtomicInteger());
    if (count.incrementAndGet() > maxPerAddress) {
      count.decrementAndGet();
      return null;
    }
    ChannelFuture f = template.clone(loop).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(
            new IdleTimer(Duration.ofMillis(idleMillis)),
            new ResponseReader(),
            new BackendHandler(listener));
      }
    }).connect(address);
    f.channel().closeFuture().addListener(done -> count.decrementAndGet());
    return f;
  }

  /** Connections open to {@code address} now. */
  int openTo(InetSocketAddress address) {
    AtomicInteger c = open.get(address);
    return c == null ? 0 : c.get();
  }
}
