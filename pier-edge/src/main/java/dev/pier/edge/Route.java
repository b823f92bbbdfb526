package dev.pier.edge;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where requests for one host name go. Produced by {@link RouteTable#resolve(String)} and stored in a
 * {@link RouteTable} per site.
 */
public sealed interface Route permits Route.Panel, Route.Upstream, Route.Stopped, Route.Sleeping, Route.NotFound {

  /**
   * A site asleep (stopped for being idle): a request wakes it through the edge's {@link Waker}, waits, and is
   * then sent where the route table says; a site that cannot wake gets 503.
   */
  record Sleeping(String site) implements Route {
    public Sleeping {
      Objects.requireNonNull(site, "site");
    }
  }

  /**
   * The apex domain: requests are forwarded to the panel (the Spring web app on a loopback port).
   *
   * @param address where the panel listens; never null
   */
  record Panel(InetSocketAddress address) implements Route {
    public Panel {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * A running site: requests are forwarded to its container (normally port 80).
   *
   * @param site the site's bare name, e.g. {@code blog}; shown in error pages
   * @param address where the site's container listens; never null
   */
  record Upstream(String site, InetSocketAddress address, Policy policy) implements Route {
    public Upstream {
      Objects.requireNonNull(site, "site");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(policy, "policy");
    }

    public Upstream(String site, InetSocketAddress address) {
      this(site, address, Policy.DEFAULT);
    }
  }

  /**
   * How the edge serves one site.
   *
   * @param httpsOnly    plain HTTP requests get a 308 to the same URL over HTTPS (when the edge serves HTTPS)
   * @param hsts         HTTPS responses carry {@code Strict-Transport-Security}
   * @param maxBodyBytes the largest request body passed on; larger ones get 413
   */
  record Policy(boolean httpsOnly, boolean hsts, long maxBodyBytes) {

    /** The request body limit when a site sets none: 100 MiB. */
    public static final long DEFAULT_MAX_BODY = 100L << 20;
    public static final Policy DEFAULT = new Policy(false, false, DEFAULT_MAX_BODY);
    /** The panel's: HTTPS only (the edge redirects it, {@link RouteDecision}), with HSTS; its bodies are its own. */
    public static final Policy PANEL = new Policy(true, true, Long.MAX_VALUE);
    /** The panel's with HTTPS on another port than 443, where HSTS would send browsers to a port that speaks no TLS. */
    public static final Policy PANEL_NO_HSTS = new Policy(true, false, Long.MAX_VALUE);

    public Policy {
      if (maxBodyBytes < 0) {
        throw new IllegalArgumentException("maxBodyBytes must not be negative: " + maxBodyBytes);
      }
    }
  }

  /**
   * A site that exists but is not running: the edge answers 503 with an HTML page saying
   * "The site NAME is stopped." and a {@code Retry-After} header.
   *
   * @param site the site's bare name
   */
  record Stopped(String site) implements Route {
    public Stopped {
      Objects.requireNonNull(site, "site");
    }
  }

  /**
   * No such site: the edge answers 404 with an HTML page saying "No site at HOST".
   *
   * @param host the normalized host that was asked for (lower case, no port, no trailing dot);
   *     empty when the request had no host
   */
  record NotFound(String host) implements Route {
    public NotFound {
      Objects.requireNonNull(host, "host");
    }
  }
}
