package dev.pier.edge;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The idle kept-alive upstream connections, per event loop and upstream address: an exchange whose response ended
 * gives its upstream connection back with {@link #give}, and the next exchange on that loop to that address takes the
 * one given back last with {@link #take} instead of connecting. Each loop's part is touched only on that loop. A
 * connection is used again only if it waited less than {@link #MAX_IDLE}; one the site closes meanwhile leaves.
 */
final class IdlePool {

  /** Idle connections kept per event loop and address, at most (fewer when the per-site cap is low); more are closed. */
  static final int MAX_IDLE_PER_ADDRESS = 32;
  /**
   * How long a connection may have been idle and still be used again: less than the 5 s after which Apache, by
   * default, closes an idle kept-alive connection, so that requests seldom meet one the site is closing.
   */
  static final Duration MAX_IDLE = Duration.ofSeconds(4);

  private final int maxIdlePerLoop;
  private final ConcurrentHashMap<EventLoop, Map<InetSocketAddress, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();

  /**
   * @param maxPerAddress the per-site cap on open connections
   * @param loops the event loops that share that cap: each keeps at most its share of it idle
   */
  IdlePool(int maxPerAddress, int loops) {
    this.maxIdlePerLoop = (int) Math.max(1, Math.min(MAX_IDLE_PER_ADDRESS, (long) maxPerAddress / Math.max(1, loops)));
  }

  /** Whether a connection idle since {@code idleSince} (System.nanoTime) may still be used. */
  static boolean fresh(long idleSince) {
    return System.nanoTime() - idleSince < MAX_IDLE.toNanos();
  }

  /**
   * An idle connection to {@code address} on {@code loop}, now reporting to {@code listener}; null if there is
   * none young enough. Call on {@code loop}.
   */
  Channel take(EventLoop loop, InetSocketAddress address, UpstreamListener listener) {
    for (Channel ch; (ch = takeOpen(loop, address)) != null; ) {
      BackendHandler backend = BackendHandler.of(ch);
      if (backend != null && fresh(backend.idleSince)) {
        backend.attach(listener);
        return ch;
      }
      ch.close(); // idle for too long: the site may be closing it
    }
    return null;
  }

  /** The most recently used idle connection to {@code address} on {@code loop} still open, taken out of the pool. */
  private Channel takeOpen(EventLoop loop, InetSocketAddress address) {
    Map<InetSocketAddress, ArrayDeque<Channel>> byAddress = idle.get(loop);
    ArrayDeque<Channel> q = byAddress == null ? null : byAddress.get(address);
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
   * Takes a connection whose last exchange ended cleanly and that the upstream keeps alive; it waits, reading (so
   * that a close by the upstream is noticed), until {@link #take} hands it out, it closes, or it is too old. Call on
   * its loop.
   *
   * @param idleSince when its last exchange ended (System.nanoTime)
   */
  void give(Channel ch, InetSocketAddress address, long idleSince) {
    BackendHandler backend = BackendHandler.of(ch);
    if (!ch.isActive() || backend == null || !fresh(idleSince)) {
      BackendHandler.detach(ch); // its client has moved on: it must not hear of this close as its next connection's
      ch.close();
      return;
    }
    ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new HashMap<>())
        .computeIfAbsent(address, a -> new ArrayDeque<>());
    if (q.size() >= maxIdlePerLoop) {
      Channel oldest = q.pollFirst();
      if (oldest != null) {
        oldest.close();
      }
    }
    backend.attach(null); // no client's any more: anything it says now closes it
    backend.idleSince = idleSince; // (one too old when taken is closed then: Apache closes them itself after 5 s)
    q.addLast(ch);
    if (!backend.pooled) {
      backend.pooled = true;
      ch.closeFuture().addListener(closed -> q.remove(ch)); // on the loop, like every other use of q
    }
    ch.read();
  }
}
