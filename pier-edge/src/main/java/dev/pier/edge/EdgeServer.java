package dev.pier.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge reverse proxy: listens for plaintext HTTP/1.1 and sends each request where the current
 * {@link RouteTable} says, by {@code Host} header.
 *
 * <p>Lifecycle: build ({@link #builder}), {@link #start()} once, swap routes with {@link #routes(RouteTable)} as often as
 * needed (from any thread), {@link #close()} once. A closed server cannot be started again. Uses io_uring, epoll or NIO
 * ({@link Builder#transport}) with {@link Builder#threads} event loops.
 */
public final class EdgeServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  /** The names {@link Builder#transport} takes. */
  public static final List<String> TRANSPORTS = Stream.of(Transport.values()).map(Transport::toString).toList();

  private final EdgeConfig config;
  private final int threads;
  private final AtomicReference<RouteTable> routes;
  private final List<Channel> listeners = new ArrayList<>();
  private final List<Channel> httpsListeners = new ArrayList<>();
  private final CertificateSource certificates;
  private final AccessLog accessLog;
  private final Waker waker;
  private final AcmeChallenges challenges;
  /** The transport asked for, and the one this host gives for it. */
  private final Transport askedTransport;
  private final Transport transport;
  private EventLoopGroup group;
  private boolean started;
  /** Runs what may block (certificates not yet in memory) off the event loops. */
  private ExecutorService blocking;
  /** When each site last had traffic through the edge (System.nanoTime), for putting idle sites to sleep. */
  private final ConcurrentHashMap<String, Long> activity = new ConcurrentHashMap<>();
  /** The open client connections (each leaves the group as it closes). */
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  /** The bound HTTPS port, for redirects of HTTPS-only sites; -1 until bound or without HTTPS. */
  private volatile int boundHttpsPort = -1;
  /** Whether the edge listens on 80 and 443, where HSTS can send browsers from one to the other. */
  private volatile boolean standardPorts;

  private EdgeServer(Builder b) {
    this.threads = b.threads > 0 ? b.threads : defaultThreads();
    this.config = b.config;
    this.routes = new AtomicReference<>(b.initial);
    this.certificates = b.certificates;
    this.accessLog = b.accessLog;
    this.waker = b.waker;
    this.challenges = b.challenges;
    this.askedTransport = Transport.parse(b.transport);
    this.transport = Transport.choose(b.transport);
    if (!config.httpsListen().isEmpty() && certificates == null) {
      throw new IllegalArgumentException("HTTPS listeners need a certificate source");
    }
  }

  /**
   * Starts building a server that is not yet listening.
   *
   * @param config where to listen and the upstream timeouts
   * @param initial the route table in force until the first {@link #routes(RouteTable)} call
   */
  public static Builder builder(EdgeConfig config, RouteTable initial) {
    return new Builder(config, initial);
  }

  /** What an {@link EdgeServer} is made of; everything but the configuration and the first routes is optional. */
  public static final class Builder {
    private final EdgeConfig config;
    private final RouteTable initial;
    private CertificateSource certificates;
    private AccessLog accessLog = AccessLog.NONE;
    private Waker waker = Waker.NONE;
    private AcmeChallenges challenges = AcmeChallenges.NONE;
    private String transport = System.getProperty("pier.edge.transport", Transport.DEFAULT);
    private int threads;

    private Builder(EdgeConfig config, RouteTable initial) {
      this.config = Objects.requireNonNull(config, "config");
      this.initial = Objects.requireNonNull(initial, "initial");
    }

    /** The certificates of the HTTPS listeners; required when {@link EdgeConfig#httpsListen()} names any. */
    public Builder certificates(CertificateSource certificates) {
      this.certificates = certificates;
      return this;
    }

    /** Receives a line for every request to a site (default: none). */
    public Builder accessLog(AccessLog accessLog) {
      this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
      return this;
    }

    /** Starts sleeping sites when a request comes for them (default: they cannot be woken, 503). */
    public Builder waker(Waker waker) {
      this.waker = Objects.requireNonNull(waker, "waker");
      return this;
    }

    /** The ACME HTTP-01 challenges to answer on the HTTP listeners (default: none). */
    public Builder challenges(AcmeChallenges challenges) {
      this.challenges = Objects.requireNonNull(challenges, "challenges");
      return this;
    }

    /**
     * The I/O the server asks for: {@code io_uring} (the default: the system property {@code pier.edge.transport}
     * or else io_uring), {@code epoll} or {@code nio}. Where the one asked for is missing on this host, the next
     * one down serves, and the log says why.
     */
    public Builder transport(String transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * How many event loops serve the connections; 0 (the default): {@link #defaultThreads}. Each loop is a thread that
     * handles its connections from start to end, client and upstream side.
     */
    public Builder threads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("the edge's threads (" + threads + ") cannot be negative");
      }
      this.threads = threads;
      return this;
    }

    /**
     * The server, not yet listening.
     *
     * @throws IllegalArgumentException if HTTPS listeners are configured without certificates, or the transport is
     *     not one of those named at {@link #transport}
     */
    public EdgeServer build() {
      return new EdgeServer(this);
    }
  }

  /**
   * Half the host's cores, at least one: the edge shares its host with the sites it serves, and one loop that takes
   * many connections' events at each turn spends less per request than two that take a few each (measured on two
   * cores: 15% less CPU per proxied request, docs/benchmarks.md).
   */
  public static int defaultThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /**
   * Binds every address of {@link EdgeConfig#httpListen()} and starts serving. Returns once all are bound.
   *
   * @throws IllegalStateException naming the address if one cannot be bound (port taken, no permission...);
   *     nothing is left listening then. Also thrown if the server was already started.
   * @throws InterruptedException if interrupted while binding (the server is then closed)
   */
  public synchronized void start() throws InterruptedException {
    if (started) {
      throw new IllegalStateException("EdgeServer already started");
    }
    started = true;
    int loops = threads;
    group = new MultiThreadIoEventLoopGroup(loops,
        new DefaultThreadFactory("pier-edge"), transport.ioHandlerFactory());
    String whyNot = Transport.whyNot(askedTransport, transport);
    if (whyNot != null) {
      log.info("Edge: {} asked for, {} used ({})", askedTransport, transport, whyNot);
    }
    UpstreamConnector connector = new UpstreamConnector(transport, config.upstreamConnectTimeout(), config.upstreamIdleTimeout(),
        config.maxConnectionsPerSite());
    IdlePool pool = new IdlePool(config.maxConnectionsPerSite(), loops);
    blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pier-tls-", 0).factory());
    Shared shared = new Shared(routes::get, connector, pool, config, () -> boundHttpsPort, accessLog, waker, challenges, activity, blocking,
        new Semaphore(Shared.MAX_CERTIFICATE_WORK), new ClientBudgets(config.maxConnectionsPerClient()), () -> standardPorts);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(counted(new FrontendInitializer(shared, null)));
    try {
      for (InetSocketAddress address : config.httpListen()) {
        listeners.add(bind(bootstrap, address, "HTTP", transport));
      }
      if (!config.httpsListen().isEmpty()) {
        ServerBootstrap tls = bootstrap.clone().childHandler(counted(new FrontendInitializer(shared, certificates)));
        for (InetSocketAddress address : config.httpsListen()) {
          httpsListeners.add(bind(tls, address, "HTTPS", transport));
        }
        boundHttpsPort = ((InetSocketAddress) httpsListeners.get(0).localAddress()).getPort();
      }
      standardPorts = boundHttpsPort == 443 && ((InetSocketAddress) listeners.get(0).localAddress()).getPort() == 80;
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
  }

  /** The client connections {@code frontend} sets up, counted among {@link #clients}. */
  private ChannelInitializer<Channel> counted(FrontendInitializer frontend) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        clients.add(ch);
        ch.pipeline().addLast(frontend);
      }
    };
  }

  private static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address, String what, Transport transport)
      throws InterruptedException {
    ChannelFuture bound = bootstrap.bind(address).await();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new IllegalStateException("Cannot listen on " + NetUtil.toSocketAddressString(address)
          + ": " + cause.getMessage(), cause);
    }
    log.info("Edge listening for {} on {} ({})", what, NetUtil.toSocketAddressString((InetSocketAddress) bound.channel().localAddress()),
        transport);
    return bound.channel();
  }

  /**
   * Replaces the route table. Takes effect for every request whose head arrives afterwards; requests
   * already being served keep the route they were given. Safe to call from any thread.
   */
  public void routes(RouteTable table) {
    routes.set(Objects.requireNonNull(table, "table"));
  }

  /** The route table currently in force. */
  public RouteTable routes() {
    return routes.get();
  }

  /**
   * The port actually bound for the first listen address (useful when it was configured as 0).
   *
   * @throws IllegalStateException if the server is not listening
   */
  public synchronized int httpPort() {
    if (listeners.isEmpty()) {
      throw new IllegalStateException("EdgeServer is not listening");
    }
    return ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
  }

  /** How long ago the site last had traffic through the edge (a request or WebSocket bytes); empty if never. */
  public Optional<Duration> idleFor(String site) {
    Long last = activity.get(site);
    return last == null ? Optional.empty() : Optional.of(Duration.ofNanos(System.nanoTime() - last));
  }

  /** The HTTPS port actually bound, or -1 when the edge serves no HTTPS. */
  public synchronized int httpsPort() {
    return httpsListeners.isEmpty() ? -1 : ((InetSocketAddress) httpsListeners.get(0).localAddress()).getPort();
  }

  /**
   * Stops listening, closes every client and upstream connection and shuts the event loops down, waiting
   * a few seconds at most. Idempotent; never throws.
   */
  @Override
  public synchronized void close() {
    for (Channel listener : listeners) {
      listener.close().awaitUninterruptibly();
    }
    listeners.clear();
    for (Channel listener : httpsListeners) {
      listener.close().awaitUninterruptibly();
    }
    httpsListeners.clear();
    // Each client connection closed on its loop while the loop still runs (a loop that is shutting down may be
    // gone before a connection it closes has let go of its socket): clients see their connections end.
    clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      group = null;
    }
    if (blocking != null) {
      blocking.shutdownNow();
      blocking = null;
    }
  }
}
