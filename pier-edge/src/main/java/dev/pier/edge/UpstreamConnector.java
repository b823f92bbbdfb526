package dev.pier.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens upstream connections: NIO, auto-read off, HTTP/1.1 client codec, closed after the configured idle
 * time. Each connection is opened on the client connection's event loop, so the two never need locks.
 *
 * <p>Also keeps the pool of idle kept-alive connections, per event loop and upstream address: a client connection
 * that ends (or an HTTP/2 stream, or a request for another site) hands its upstream connection back with
 * {@link #release}, and the next exchange on that loop to that address takes it with {@link #pooled} instead of
 * connecting. Each loop's pool is touched only on that loop.
 */
final class UpstreamConnector {

  private final Bootstrap template;
  private final long idleMillis;
  private final int maxPerAddress;
  /** Open (or opening) connections per upstream address, across all event loops. */
  private final java.util.concurrent.ConcurrentHashMap<InetSocketAddress, java.util.concurrent.atomic.AtomicInteger> open =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Idle connections kept per event loop and address, at most (fewer when the per-site cap is low); more are closed. */
  static final int MAX_IDLE_PER_ADDRESS = 32;
  /**
   * How long a connection may have been idle and still be used again: less than the 5 s after which Apache, by
   * default, closes an idle kept-alive connection, so that requests seldom meet one the site is closing.
   */
  static final Duration MAX_IDLE = Duration.ofSeconds(4);
  private static final io.netty.util.AttributeKey<Boolean> WATCHED = io.netty.util.AttributeKey.valueOf("pier.pool.watched");
  private static final io.netty.util.AttributeKey<Long> IDLE_SINCE = io.netty.util.AttributeKey.valueOf("pier.pool.idleSince");
  private final int maxIdlePerLoop;
  private final java.util.concurrent.ConcurrentHashMap<EventLoop, java.util.Map<InetSocketAddress, java.util.ArrayDeque<Channel>>> idle =
      new java.util.concurrent.ConcurrentHashMap<>();

  UpstreamConnector(Duration connectTimeout, Duration idleTimeout) {
    this(connectTimeout, idleTimeout, Integer.MAX_VALUE);
  }

  UpstreamConnector(Duration connectTimeout, Duration idleTimeout, int maxPerAddress) {
    this(connectTimeout, idleTimeout, maxPerAddress, Runtime.getRuntime().availableProcessors());
  }

  /** @param loops the event loops that share the per-site cap: each keeps at most its share of it idle */
  UpstreamConnector(Duration connectTimeout, Duration idleTimeout, int maxPerAddress, int loops) {
    this.maxPerAddress = maxPerAddress;
    this.maxIdlePerLoop = (int) Math.max(1, Math.min(MAX_IDLE_PER_ADDRESS, (long) maxPerAddress / Math.max(1, loops)));
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
            new IdleTimer(Duration.ofMillis(idleMillis)),
            new HttpClientCodec(decoder, false, false),
            new BackendHandler(frontend));
      }
    }).connect(address);
    f.channel().closeFuture().addListener(done -> count.decrementAndGet());
    return f;
  }

  /**
   * An idle kept-alive connection to {@code address} on {@code loop}, now reporting to {@code frontend}; null if the pool
   * has none. Call on {@code loop}.
   */
  Channel pooled(EventLoop loop, InetSocketAddress address, FrontendHandler frontend) {
    for (Channel ch; (ch = takeIdle(loop, address)) != null; ) {
      Long since = ch.attr(IDLE_SINCE).get();
      BackendHandler backend = ch.pipeline().get(BackendHandler.class);
      if (backend != null && since != null && System.nanoTime() - since < MAX_IDLE.toNanos()) {
        backend.attach(frontend);
        return ch;
      }
      ch.close(); // idle for too long: the site may be closing it
    }
    return null;
  }

  /** The most recently used idle connection to {@code address} on {@code loop} still open, taken out of the pool. */
  private Channel takeIdle(EventLoop loop, InetSocketAddress address) {
    java.util.Map<InetSocketAddress, java.util.ArrayDeque<Channel>> byAddress = idle.get(loop);
    java.util.ArrayDeque<Channel> q = byAddress == null ? null : byAddress.get(address);
    if (q == null) {
      return null;
    }
    for (Channel ch; (ch = q.pollLast()) != null; ) {
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  /**
   * Takes back a connection whose last exchange ended cleanly and that the upstream keeps alive; it waits, reading
   * (so that a close by the upstream is noticed), until {@link #pooled} hands it out or it closes. Call on its loop.
   *
   * @param idleSince when its last exchange ended (System.nanoTime)
   */
  void release(Channel ch, InetSocketAddress address, long idleSince) {
    BackendHandler backend = ch.pipeline().get(BackendHandler.class);
    if (!ch.isActive() || backend == null || System.nanoTime() - idleSince >= MAX_IDLE.toNanos()) {
      ch.close();
      return;
    }
    java.util.ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new java.util.HashMap<>())
        .computeIfAbsent(address, a -> new java.util.ArrayDeque<>());
    if (q.size() >= maxIdlePerLoop) {
      Channel oldest = q.pollFirst();
      if (oldest != null) {
        oldest.close();
      }
    }
    backend.attach(null); // no client's any more: anything it says now closes it
    ch.attr(IDLE_SINCE).set(idleSince);
    q.addLast(ch);
    if (ch.attr(WATCHED).setIfAbsent(Boolean.TRUE) == null) {
      ch.closeFuture().addListener(closed -> q.remove(ch)); // on the loop, like every other use of q
    }
    // Closed once too old to be used again, unless taken (or taken and given back, with a later time) meanwhile.
    ch.eventLoop().schedule(() -> {
      if (Long.valueOf(idleSince).equals(ch.attr(IDLE_SINCE).get()) && q.remove(ch)) {
        ch.close();
      }
    }, MAX_IDLE.toNanos() - (System.nanoTime() - idleSince), java.util.concurrent.TimeUnit.NANOSECONDS);
    ch.read();
  }

  /** Connections open to {@code address} now. */
  int openTo(InetSocketAddress address) {
    java.util.concurrent.atomic.AtomicInteger c = open.get(address);
    return c == null ? 0 : c.get();
  }
}
