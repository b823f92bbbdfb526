package dev.pier.server.edge;

import dev.pier.edge.EdgeConfig;
import dev.pier.edge.EdgeServer;
import dev.pier.engine.container.SiteEngine;
import dev.pier.server.accesslog.AccessLogs;
import dev.pier.server.common.EdgeStatus;
import dev.pier.server.config.ConfigurationProblem;
import dev.pier.server.config.PierProperties;
import dev.pier.server.image.ImageService;
import dev.pier.server.site.Reconciler;
import dev.pier.server.site.RouteRefresher;
import dev.pier.server.site.SiteService;
import dev.pier.server.tls.AcmeCertificates;
import dev.pier.server.tls.SiteCertificates;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Brings the host up in order: the edge on the public port with the routes the database records (so a port in
 * use stops Pier before it touches the host, and sites that kept running answer at once), the engine (bridge,
 * image), then reconciliation of every site with the host, whose outcome the routes follow. On shutdown the edge closes and running sites keep running: the next
 * start adopts them.
 */
@Component
public class EdgeLifecycle implements SmartLifecycle, EdgeStatus {

  private static final Logger log = LoggerFactory.getLogger(EdgeLifecycle.class);

  private final PierProperties props;
  private final SiteEngine engine;
  private final Reconciler reconciler;
  private final RouteRefresher routes;
  private final ImageService images;
  private final SiteCertificates certificates;
  private final AccessLogs accessLogs;
  private final SiteService sites;
  private final AcmeCertificates acme;
  private volatile EdgeServer edge;

  EdgeLifecycle(PierProperties props, SiteEngine engine, Reconciler reconciler, RouteRefresher routes,
      ImageService images, SiteCertificates certificates,
      AccessLogs accessLogs, SiteService sites,
      AcmeCertificates acme) {
    this.acme = acme;
    this.sites = sites;
    this.accessLogs = accessLogs;
    this.images = images;
    this.certificates = certificates;
    this.props = props;
    this.engine = engine;
    this.reconciler = reconciler;
    this.routes = routes;
  }

  @Override
  public void start() {
    EdgeConfig config = EdgeConfig.onPort(props.edge().httpPort()).withMaxConnectionsPerSite(props.edge().maxConnectionsPerSite());
    boolean https = props.edge().httpsPort() >= 0;
    if (https) {
      certificates.init();
      config = config.withHttpsPort(props.edge().httpsPort());
    }
    EdgeServer server = EdgeServer.builder(config, routes.current()).certificates(https ? certificates : null)
        .accessLog(accessLogs).waker(sites::wake).challenges(acme).transport(props.edge().transport()).threads(props.edge().threads()).build();
    try {
      server.start();
    } catch (IllegalStateException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("Cannot listen on")) {
        throw e; // not the port's fault (the event loops could not be made, say)
      }
      throw new ConfigurationProblem(e.getMessage()
          + ": stop what uses that port, or choose another with --http-port or --https-port", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the edge", e);
    }
    edge = server;
    routes.attach(server);
    log.info("edge listening on port {} (IPv4 and IPv6)", server.httpPort());
    try {
      engine.init();
      routes.engineReady();
      reconciler.reconcile();
      images.tidy();
      if (props.images() == null || props.images().buildAtStart()) {
        images.buildMissing(); // in the background: sites on other images start meanwhile
      }
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    routes.refresh();
    acme.start(); // the edge answers the CA's HTTP-01 checks from here on
  }

  @EventListener
  void onPanelStarted(WebServerInitializedEvent event) {
    routes.panel(new InetSocketAddress("127.0.0.1", event.getWebServer().getPort()));
  }

  @Override
  public Optional<Duration> idleFor(String site) {
    return edge == null ? Optional.empty() : edge.idleFor(site);
  }

  @Override
  public int httpsPort() {
    return edge.httpsPort();
  }

  @Override
  public int httpPort() {
    return edge.httpPort();
  }

  @Override
  public void stop() {
    acme.stop();
    EdgeServer e = edge;
    edge = null;
    if (e != null) {
      e.close();
    }
  }

  @Override
  public boolean isRunning() {
    return edge != null;
  }
}
