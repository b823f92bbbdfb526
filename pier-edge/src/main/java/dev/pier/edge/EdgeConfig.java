package dev.pier.edge;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the edge listens and talks to upstreams.
 *
 * @param httpListen the plaintext HTTP addresses to listen on (at least one); port 0 picks an ephemeral port
 * @param upstreamConnectTimeout how long to wait for a TCP connection to a site or the panel before
 *     answering 502
 * @param upstreamIdleTimeout how long an upstream connection may see no traffic in either direction before
 *     it is closed (an idle pooled connection, or a site that stopped answering mid-request: 504)
 * @param headerTimeout how long a client may take to send a whole request head once it started one (slowloris)
 * @param bodyTimeout how long the edge waits for the next part of a request body; a body must also arrive at
 *     {@link #MIN_BODY_RATE} bytes a second or more, counted over the time the edge waited for it (slow POST)
 * @param maxConnectionsPerSite how many upstream connections one site may have open at once; a request beyond
 *     that gets 503, so one busy or slow site cannot starve the others
 */
public record EdgeConfig(List<InetSocketAddress> httpListen, Duration upstreamConnectTimeout,
             Duration upstreamIdleTimeout, Duration headerTimeout, Duration bodyTimeout, int maxConnectionsPerSite,
             List<InetSocketAddress> httpsListen) {

  /** The slowest request body the edge accepts, once it waited more than {@link #RATE_GRACE} for it. */
  public static final long MIN_BODY_RATE = 1024;
  public static final Duration RATE_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(20);
  public static final int DEFAULT_MAX_CONNECTIONS_PER_SITE = 256;

  public EdgeConfig(List<InetSocketAddress> httpListen, Duration upstreamConnectTimeout, Duration upstreamIdleTimeout) {
    this(httpListen, upstreamConnectTimeout, upstreamIdleTimeout, DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT,
        DEFAULT_MAX_CONNECTIONS_PER_SITE, List.of());
  }

  /** The same, also serving HTTPS on {@code port} of the same addresses (0: an ephemeral port). */
  public EdgeConfig withHttpsPort(int port) {
    List<InetSocketAddress> https = httpListen.stream().map(a -> new InetSocketAddress(a.getAddress(), port)).toList();
    return new EdgeConfig(httpListen, upstreamConnectTimeout, upstreamIdleTimeout, headerTimeout, bodyTimeout, maxConnectionsPerSite, https);
  }

  /** The same with other client timeouts. */
  public EdgeConfig withClientTimeouts(Duration header, Duration body) {
    return new EdgeConfig(httpListen, upstreamConnectTimeout, upstreamIdleTimeout, header, body, maxConnectionsPerSite, httpsListen);
  }

  /** The same with another cap on each site's upstream connections. */
  public EdgeConfig withMaxConnectionsPerSite(int max) {
    return new EdgeConfig(httpListen, upstreamConnectTimeout, upstreamIdleTimeout, headerTimeout, bodyTimeout, max, httpsListen);
  }

  /** How many exchanges one client (an IPv4 address, an IPv6 /64) may have in progress with one upstream: half a site's. */
  public int maxConnectionsPerClient() {
    return Math.max(1, maxConnectionsPerSite / 2);
  }

  /** Connect timeout used by {@link #onPort(int)}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Upstream idle timeout used by {@link #onPort(int)}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Validates and copies the arguments.
   *
   * @throws IllegalArgumentException if {@code httpListen} is empty or a timeout is not positive
   */
  public EdgeConfig {
    httpListen = List.copyOf(httpListen);
    httpsListen = httpsListen == null ? List.of() : List.copyOf(httpsListen);
    if (httpListen.isEmpty()) {
      throw new IllegalArgumentException("httpListen must name at least one address");
    }
    requirePositive(upstreamConnectTimeout, "upstreamConnectTimeout");
    requirePositive(upstreamIdleTimeout, "upstreamIdleTimeout");
    requirePositive(headerTimeout, "headerTimeout");
    requirePositive(bodyTimeout, "bodyTimeout");
    if (maxConnectionsPerSite < 1) {
      throw new IllegalArgumentException("maxConnectionsPerSite must be at least 1: " + maxConnectionsPerSite);
    }
  }

  /**
   * Listens on {@code [::]:port}, dual-stack (IPv4 and IPv6 clients on one socket), or on
   * {@code 0.0.0.0:port} when this machine cannot open an IPv6 socket. Uses
   * {@link #DEFAULT_CONNECT_TIMEOUT} and {@link #DEFAULT_IDLE_TIMEOUT}.
   *
   * @param port the TCP port; 0 for an ephemeral port (tests)
   */
  public static EdgeConfig onPort(int port) {
    InetSocketAddress any = ipv6Available() ? new InetSocketAddress("::", port) : new InetSocketAddress("0.0.0.0", port);
    return new EdgeConfig(List.of(any), DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
  }

  private static boolean ipv6Available() {
    try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
      probe.bind(new InetSocketAddress("::", 0));
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }
}
