package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.runc.ContainerState;
import dev.pier.server.site.SiteWorkers.Cause;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Supervises running sites: one {@code runc list} per round, whatever the number of sites, and the worker of each
 * site whose container has exited by itself (its program crashed, the OOM killer struck, someone killed it) is
 * woken; it records why and restarts the site by its {@link RestartPolicy} ({@link RestartBackoff}). Noticing is all
 * this does, so a slow site never delays another's restart.
 */
@Component
class SiteWatcher {

  private static final Logger log = LoggerFactory.getLogger(SiteWatcher.class);

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final SiteWorkers workers;

  SiteWatcher(SiteRepository repo, SiteEngine engine, SiteWorkers workers) {
    this.repo = repo;
    this.engine = engine;
    this.workers = workers;
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
      if (s.state() == SiteState.RUNNING && s.wish() == SiteWish.RUNNING && !running.contains(engine.containerId(s.name()))) {
        workers.wake(s.name(), Cause.SUPERVISOR);
      }
    }
  }
}
