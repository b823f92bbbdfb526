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

  /** Idle connections kept per event loop and address, at most; more are closed. */
  static final int MAX_IDLE_PER_ADDRESS = 32;
  private static final io.netty.util.AttributeKey<Boolean> WATCHED = io.netty.util.AttributeKey.valueOf("pier.pool.watched");
  private final java.util.concurrent.ConcurrentHashMap<EventLoop, java.util.Map<InetSocketAddress, java.util.ArrayDeque<Channel>>> idle =
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
    java.util.Map<InetSocketAddress, java.util.ArrayDeque<Channel>> byAddress = idle.get(loop);
    java.util.ArrayDeque<Channel> q = byAddress == null ? null : byAddress.get(address);
    if (q == null) {
      return null;
    }
    for (Channel ch; (ch = q.pollLast()) != null; ) { // the most recently used first: the least likely to have timed out
      BackendHandler backend = ch.pipeline().get(BackendHandler.class);
      if (ch.isActive() && backend != null) {
        backend.attach(frontend);
        return ch;
      }
    }
    return null;
  }

  /**
   * Takes back a connection whose last exchange ended cleanly and that the upstream keeps alive; it waits, reading
   * (so that a close by the upstream is noticed), until {@link #pooled} hands it out or it closes. Call on its loop.
   */
  void release(Channel ch, InetSocketAddress address) {
    if (!ch.isActive()) {
      return;
    }
    java.util.ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new java.util.HashMap<>())
        .computeIfAbsent(address, a -> new java.util.ArrayDeque<>());
    if (q.size() >= MAX_IDLE_PER_ADDRESS) {
      ch.close();
      return;
    }
    q.addLast(ch);
    if (ch.attr(WATCHED).setIfAbsent(Boolean.TRUE) == null) {
      ch.closeFuture().addListener(closed -> q.remove(ch)); // on the loop, like every other use of q
    }
    ch.read();
  }

  /** Connections open to {@code address} now. */
  int openTo(InetSocketAddress address) {
    java.util.concurrent.atomic.AtomicInteger c = open.get(address);
    return c == null ? 0 : c.get();
  }
}
