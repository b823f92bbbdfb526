package dev.pier.edge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What every client connection of one edge shares: the route table in force, the upstream connector and the pool
 * of idle upstream connections, the configuration, and the hooks to the rest of Pier.
 *
 * @param httpsPort the edge's bound HTTPS port, for redirects to it (-1: no HTTPS)
 * @param activity site name to the time of its last traffic (System.nanoTime), for putting idle sites to sleep
 * @param blocking where work that may block runs, off the event loops (certificates not yet in memory)
 * @param certificateWork permits for that work ({@link #MAX_CERTIFICATE_WORK})
 * @param budgets each client's exchanges in progress with each upstream
 * @param panelHsts whether the panel's HTTPS answers carry HSTS (the edge listens on 80 and 443)
 */
record Shared(Supplier<RouteTable> routes, UpstreamConnector connector, IdlePool pool, EdgeConfig config, IntSupplier httpsPort,
    AccessLog accessLog, Waker waker, AcmeChallenges challenges, Map<String, Long> activity,
    Executor blocking, Semaphore certificateWork, ClientBudgets budgets, BooleanSupplier panelHsts) {

  /** How stale a site's last traffic time may be: it is written at most this often (not at every request). */
  private static final long TOUCH_NANOS = 50_000_000;

  /** Notes traffic of {@code site} now, in {@link #activity}. */
  void touch(String site) {
    long now = System.nanoTime();
    Long last = activity.get(site);
    if (last == null || now - last >= TOUCH_NANOS) {
      activity.put(site, now);
    }
  }

  /** Certificates worked out off the event loops at once, at most. */
  static final int MAX_CERTIFICATE_WORK = 64;

  /** For tests: no HTTPS, no log, no waking, no challenges. */
  static Shared of(Supplier<RouteTable> routes, UpstreamConnector connector, EdgeConfig config) {
    return new Shared(routes, connector, new IdlePool(config.maxConnectionsPerSite(), EdgeServer.defaultThreads()), config, () -> -1, AccessLog.NONE, Waker.NONE, AcmeChallenges.NONE,
        new ConcurrentHashMap<>(), Runnable::run, new Semaphore(MAX_CERTIFICATE_WORK), new ClientBudgets(config.maxConnectionsPerClient()), () -> false);
  }
}
