package dev.pier.server.site;

import dev.pier.edge.EdgeServer;
import dev.pier.edge.RouteTable;
import dev.pier.engine.container.SiteEngine;
import dev.pier.server.config.PierProperties;
import dev.pier.server.plan.Plan;
import dev.pier.server.plan.PlanRepository;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Brings the host's view of sites in line with the database the moment a site changes state: rebuilds the
 * edge's route table and swaps it in, and sets which running sites may open outbound connections (their plan
 * says so). The panel's address is known once the web server has started; the firewall once the engine is.
 */
@Component
public class RouteRefresher {

  private final SiteRepository repo;
  private final PierProperties props;
  private final AtomicReference<EdgeServer> edge = new AtomicReference<>();
  private final AtomicReference<InetSocketAddress> panel = new AtomicReference<>();

  private final SiteEngine engine;
  private final PlanRepository plans;
  private volatile boolean engineReady;
  private Set<String> outbound;

  RouteRefresher(SiteRepository repo, PierProperties props, SiteEngine engine,
      PlanRepository plans) {
    this.repo = repo;
    this.props = props;
    this.engine = engine;
    this.plans = plans;
  }

  /** The engine's bridge and firewall exist: outbound access is kept in line from now on. */
  public void engineReady() {
    if (engine.config().uplink() == null && plans.all().stream().anyMatch(Plan::outbound)) {
      LoggerFactory.getLogger(RouteRefresher.class)
          .warn("a plan allows outbound connections, but no uplink is set (--uplink IFACE): no site can open connections out");
    }
    engineReady = true;
    outbound = null;
    refresh();
  }

  /** Connects the running edge; routes are pushed to it from now on. */
  public void attach(EdgeServer server) {
    edge.set(server);
    refresh();
  }

  public void panel(InetSocketAddress address) {
    panel.set(address);
    refresh();
  }

  public synchronized RouteTable current() {
    return SiteRoutes.table(props.domain(), panel.get(), repo.all());
  }

  /** Pushes the current table to the edge (nothing before the edge runs). */
  public synchronized void refresh() {
    List<Site> all = repo.all();
    EdgeServer e = edge.get();
    if (e != null) {
      e.routes(SiteRoutes.table(props.domain(), panel.get(), all));
    }
    if (engineReady) {
      Set<String> open = new TreeSet<>();
      Set<String> openPlans = new HashSet<>();
      plans.all().forEach(p -> {
        if (p.outbound()) {
          openPlans.add(p.name());
        }
      });
      for (Site s : all) {
        if ((s.state() == SiteState.RUNNING || s.state() == SiteState.STARTING) && openPlans.contains(s.plan())) {
          open.add(s.ipv4());
        }
      }
      if (!open.equals(outbound)) {
        engine.setOutbound(open, props.network().outboundAllow());
        outbound = open;
      }
    }
  }
}
