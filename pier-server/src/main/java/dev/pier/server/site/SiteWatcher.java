package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.runc.ContainerState;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the panel true while Pier runs: a site recorded as running whose container has exited (its program
 * crashed, or someone killed it) is marked stopped, with the reason, and its leftovers are removed. One
 * {@code runc list} per round, whatever the number of sites.
 */
@Component
class SiteWatcher {

  private static final Logger log = LoggerFactory.getLogger(SiteWatcher.class);

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final SiteService sites;
  private final RouteRefresher routes;

  SiteWatcher(SiteRepository repo, SiteEngine engine, SiteService sites, RouteRefresher routes) {
    this.repo = repo;
    this.engine = engine;
    this.sites = sites;
    this.routes = routes;
  }

  @Scheduled(fixedDelayString = "${pier.engine.watch-interval}", initialDelayString = "${pier.engine.watch-interval}")
  void watch() {
    Set<String> running = new HashSet<>();
    try {
      for (ContainerState c : engine.ownContainers()) {
        if (c.running()) {
          running.add(c.id());
        }
      }
    } catch (RuntimeException e) {
      log.warn("cannot list containers: {}", e.getMessage());
      return;
    }
    for (Site s : repo.all()) {
      if (s.state() == SiteState.RUNNING && !running.contains(SiteEngine.containerId(s.name()))) {
        sites.locked(s.name(), () -> {
          Site now = repo.find(s.name()).orElse(null);
          if (now != null && now.state() == SiteState.RUNNING && !engine.isRunning(s.name())) {
            String why = "its container exited: " + engine.consoleTail(s.name());
            log.warn("site {}: {}", s.name(), why);
            engine.teardown(sites.spec(now));
            repo.setState(s.name(), SiteState.STOPPED, SiteService.truncate(why));
            routes.refresh();
          }
          return null;
        });
      }
    }
  }
}
