package dev.pier.edge;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of where every host name goes. The server builds a new table whenever a site
 * starts, stops, is created or deleted, and swaps it into the {@link EdgeServer} with
 * {@link EdgeServer#routes(RouteTable)}; the edge never mutates a table.
 *
 * <p>Host names are matched case-insensitively. The apex {@code DOMAIN} goes to the panel;
 * {@code NAME.DOMAIN} (exactly one label before the domain) goes to the site stored under the bare name
 * {@code NAME}; everything else is {@link Route.NotFound}. See {@link #resolve(String)}.
 */
public final class RouteTable {

  private final String domain;
  private final InetSocketAddress panel;
  private final Map<String, Route> sites;

  /**
   * Creates a table.
   *
   * @param domain the apex domain, e.g. {@code localhost} or {@code pier.example.org}; it may contain dots.
   *     It is stored lower case without a trailing dot.
   * @param panel where the panel listens, or {@code null} when there is no panel (the apex is then NotFound)
   * @param sitesByName routes keyed by bare site name (a single DNS label such as {@code blog}, matched
   *     case-insensitively); the map is copied
   * @throws IllegalArgumentException if the domain is blank or a site name is blank or contains a dot
   * @throws NullPointerException if the domain, the map, or any key or value in it is null
   */
  public RouteTable(String domain, InetSocketAddress panel, Map<String, Route> sitesByName) {
    this.domain = normalizeDomain(domain);
    this.panel = panel;
    Map<String, Route> copy = new HashMap<>();
    sitesByName.forEach((name, route) -> copy.put(siteKey(name), Objects.requireNonNull(route, "route")));
    this.sites = Map.copyOf(copy);
  }

  /** Returns a table for {@code domain} with no panel and no sites: every host resolves to NotFound. */
  public static RouteTable empty(String domain) {
    return new RouteTable(domain, null, Map.of());
  }

  /** Returns a copy of this table in which site {@code name} maps to {@code route} (added or replaced). */
  public RouteTable withSite(String name, Route route) {
    Map<String, Route> copy = new HashMap<>(sites);
    copy.put(siteKey(name), Objects.requireNonNull(route, "route"));
    return new RouteTable(domain, panel, copy);
  }

  /** Returns a copy of this table without site {@code name}; the same table if there is no such site. */
  public RouteTable withoutSite(String name) {
    String key = siteKey(name);
    if (!sites.containsKey(key)) {
      return this;
    }
    Map<String, Route> copy = new HashMap<>(sites);
    copy.remove(key);
    return new RouteTable(domain, panel, copy);
  }

  /**
   * Decides where a request goes from its {@code Host} header.
   *
   * <p>The value is normalized: a {@code :port} suffix is removed (IPv6 literals such as
   * {@code [::1]:8080} keep their brackets), it is lower-cased and one trailing dot is removed. Then:
   * the domain itself gives {@link Route.Panel} (or {@link Route.NotFound} if there is no panel);
   * {@code NAME.DOMAIN} with a single label {@code NAME} stored in this table gives that site's route;
   * anything else, including {@code null} or an empty value, gives {@link Route.NotFound} carrying the
   * normalized host.
   *
   * @param hostHeader the raw {@code Host} header value, may be null
   * @return the route, never null
   */
  public Route resolve(String hostHeader) {
    String host = normalizeHost(hostHeader);
    if (host.equals(domain)) {
      return panel != null ? new Route.Panel(panel) : new Route.NotFound(host);
    }
    int labelLength = host.length() - domain.length() - 1;
    if (labelLength > 0 && host.endsWith(domain) && host.charAt(labelLength) == '.') {
      String label = host.substring(0, labelLength);
      if (label.indexOf('.') < 0) {
        Route route = sites.get(label);
        if (route != null) {
          return route;
        }
      }
    }
    return new Route.NotFound(host);
  }

  /** The apex domain, lower case, without a trailing dot. */
  public String domain() {
    return domain;
  }

  @Override
  public String toString() {
    return "RouteTable[domain=" + domain + ", panel=" + panel + ", sites=" + sites + "]";
  }

  /**
   * Normalizes a Host header value: strips the port (aware of bracketed IPv6 literals), lower-cases,
   * strips one trailing dot. Returns "" for null or blank input.
   */
  static String normalizeHost(String hostHeader) {
    if (hostHeader == null) {
      return "";
    }
    String host = hostHeader.strip();
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close > 0 ? host.substring(0, close + 1) : host;
    } else {
      int colon = host.indexOf(':');
      if (colon >= 0 && colon == host.lastIndexOf(':')) {
        host = host.substring(0, colon);
      }
    }
    host = host.toLowerCase(Locale.ROOT);
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  private static String normalizeDomain(String domain) {
    String normalized = Objects.requireNonNull(domain, "domain").strip().toLowerCase(Locale.ROOT);
    normalized = normalized.endsWith(".") ? normalized.substring(0, normalized.length() - 1) : normalized;
    if (!normalized.matches("[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
      throw new IllegalArgumentException("Not a domain name: '" + domain + "'");
    }
    return normalized;
  }

  private static String siteKey(String name) {
    Objects.requireNonNull(name, "site name");
    String key = name.strip().toLowerCase(Locale.ROOT);
    if (key.isEmpty() || key.indexOf('.') >= 0) {
      throw new IllegalArgumentException("A site name must be a single label: '" + name + "'");
    }
    return key;
  }
}
