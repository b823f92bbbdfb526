package dev.pier.server.site;

import dev.pier.edge.EdgeServer;
import dev.pier.edge.RouteTable;
import dev.pier.server.config.PierProperties;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the edge's route table from the database and swaps it in, the moment a site changes state. The
 * panel's address is known once the web server has started.
 */
@Component
public class RouteRefresher {

  private final SiteRepository repo;
  private final PierProperties props;
  private final AtomicReference<EdgeServer> edge = new AtomicReference<>();
  private final AtomicReference<InetSocketAddress> panel = new AtomicReference<>();

  RouteRefresher(SiteRepository repo, PierProperties props) {
    this.repo = repo;
    this.props = props;
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
    EdgeServer e = edge.get();
    if (e != null) {
      e.routes(current());
    }
  }
}
