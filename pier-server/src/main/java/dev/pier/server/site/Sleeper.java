package dev.pier.server.site;

import dev.pier.server.edge.EdgeLifecycle;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Puts running sites that sleep when idle to sleep once they had no traffic through the edge (requests, WebSocket
 * bytes) for their {@code sleepAfterSeconds}, counted from their start at the earliest. A sleeping site uses no
 * memory; the edge wakes it for the next request.
 */
@Component
class Sleeper {

  private static final Logger log = LoggerFactory.getLogger(Sleeper.class);

  private final SiteRepository repo;
  private final SiteService sites;
  private final EdgeLifecycle edge;

  Sleeper(SiteRepository repo, SiteService sites, EdgeLifecycle edge) {
    this.repo = repo;
    this.sites = sites;
    this.edge = edge;
  }

  @Scheduled(fixedDelayString = "${pier.engine.watch-interval}", initialDelayString = "${pier.engine.watch-interval}")
  void check() {
    Instant now = Instant.now();
    for (Site s : repo.all()) {
      Integer after = s.web().sleepAfterSeconds();
      if (after == null || s.state() != SiteState.RUNNING) {
        continue;
      }
      Duration sinceStart = Duration.between(s.updatedAt(), now);
      Duration idle = edge.idleFor(s.name().value()).map(d -> d.compareTo(sinceStart) < 0 ? d : sinceStart).orElse(sinceStart);
      if (idle.toSeconds() >= after) {
        try {
          sites.sleep(s.name());
        } catch (RuntimeException e) {
          log.warn("site {}: could not put it to sleep: {}", s.name(), e.getMessage());
        }
      }
    }
  }
}
