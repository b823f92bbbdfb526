package dev.pier.edge;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many exchanges one client has in progress with one upstream (the panel, or a site): at most {@code max}, half
 * a site's upstream connections by default ({@link EdgeConfig#maxConnectionsPerSite()}), so that one client (one
 * IPv4 address, or one IPv6 /64, which one host or one customer has) can never hold all of them, reading slowly, and
 * lock out everyone else; beyond it, 429. The panel's budgets are its own, apart from the sites'. An exchange counts
 * from when it is forwarded until its response is written, or its connection goes (a WebSocket tunnel: until it
 * closes). What it does not stop: a client with many addresses (several IPv4 addresses, or IPv6 /64s), and clients
 * behind one proxy or NAT address share one budget.
 */
final class ClientBudgets {

  private final int max;
  private final ConcurrentHashMap<Key, AtomicInteger> inProgress = new ConcurrentHashMap<>();

  ClientBudgets(int max) {
    this.max = max;
  }

  /** A client (its address, or its /64) with one upstream. */
  record Key(byte[] client, InetSocketAddress upstream) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(client, k.client) && upstream.equals(k.upstream);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(client) * 31 + upstream.hashCode();
    }
  }

  /** What an exchange took: its key and the count it is in. */
  record Taken(Key key, AtomicInteger count) {}

  /** The part of an address that names one client: an IPv4 address whole, an IPv6 address's /64. */
  static byte[] client(SocketAddress address) {
    if (!(address instanceof InetSocketAddress a) || a.getAddress() == null) {
      return new byte[0];
    }
    InetAddress ip = a.getAddress();
    byte[] b = ip.getAddress();
    return ip instanceof Inet6Address ? Arrays.copyOf(b, 8) : b;
  }

  /** Counts {@code ex} against its client's budget with {@code upstream}; false, counting nothing, when it is spent. */
  boolean take(Exchange ex, SocketAddress client, InetSocketAddress upstream) {
    Key key = new Key(client(client), upstream);
    AtomicInteger n = inProgress.computeIfAbsent(key, k -> new AtomicInteger());
    if (n.incrementAndGet() > max) {
      giveBack(key, n);
      return false;
    }
    ex.budget = new Taken(key, n);
    return true;
  }

  /** Gives back what {@code ex} took, once; nothing if it took nothing. */
  void giveBack(Exchange ex) {
    if (ex != null && ex.budget != null) {
      Taken t = ex.budget;
      ex.budget = null;
      giveBack(t.key(), t.count());
    }
  }

  /** Gives back what {@code ex} took once {@code channel} closes (at once if it is closed already). */
  void giveBackOnClose(Exchange ex, io.netty.channel.Channel channel) {
    channel.closeFuture().addListener(closed -> giveBack(ex));
  }

  private void giveBack(Key key, AtomicInteger n) {
    if (n.decrementAndGet() <= 0) {
      inProgress.remove(key, n); // (a taker that raced in counts in the one removed, and gives back to it)
    }
  }
}
