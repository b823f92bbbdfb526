package dev.pier.server.site;

import dev.pier.edge.Route;
import dev.pier.edge.RouteTable;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sites to the edge's route table. Pure: a running site goes to its container's port 80; a site that exists but
 * does not run (stopped, starting, stopping, being created) gets the "stopped" page; a site being deleted is
 * gone already.
 */
public final class SiteRoutes {

  public static final int SITE_PORT = 80;

  private SiteRoutes() {}

  public static RouteTable table(String domain, InetSocketAddress panel, Collection<Site> sites) {
    Map<String, Route> routes = new HashMap<>();
    for (Site s : sites) {
      route(s).ifPresent(r -> routes.put(s.name().value(), r));
    }
    return new RouteTable(domain, panel, routes);
  }

  static Optional<Route> route(Site s) {
    return switch (s.state()) {
      case RUNNING -> Optional.of(new Route.Upstream(s.name().value(), new InetSocketAddress(s.ipv4(), SITE_PORT),
          new Route.Policy(s.web().httpsOnly(), s.web().hsts(), s.web().bodyLimit())));
      case DELETING -> Optional.empty();
      // Going to sleep, or to start again once stopped (a visitor's wake came meanwhile, or its owner's start): a
      // visitor who comes meanwhile is held for the start, as one who comes once it sleeps.
      case STOPPING -> Optional.of(s.wish() == SiteWish.STOPPED || s.wish() == SiteWish.DELETED
          ? new Route.Stopped(s.name().value()) : new Route.Sleeping(s.name().value()));
      case CREATING, STOPPED, STARTING -> Optional.of(new Route.Stopped(s.name().value()));
      case SLEEPING -> Optional.of(new Route.Sleeping(s.name().value()));
    };
  }
}
