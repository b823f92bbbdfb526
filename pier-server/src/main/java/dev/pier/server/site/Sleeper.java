package dev.pier.server.site;

import dev.pier.server.common.EdgeStatus;
import dev.pier.server.site.SiteWorkers.Cause;
import java.time.Instant;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Puts running sites that sleep when idle to sleep ({@link SleepRule}): their wish becomes SLEEPING and their
 * worker stops them. A sleeping site uses no memory; the edge wakes it for the next request.
 */
@Component
class Sleeper {

  private final SiteRepository repo;
  private final SiteWorkers workers;
  private final EdgeStatus edge;

  Sleeper(SiteRepository repo, SiteWorkers workers, EdgeStatus edge) {
    this.repo = repo;
    this.workers = workers;
    this.edge = edge;
  }

  @Scheduled(fixedDelayString = "${pier.engine.watch-interval}", initialDelayString = "${pier.engine.watch-interval}")
  void check() {
    Instant now = Instant.now();
    for (Site s : repo.all()) {
      if (s.state() == SiteState.RUNNING && s.wish() == SiteWish.RUNNING
          && SleepRule.due(s.web().sleepAfterSeconds(), s.updatedAt(), edge.idleFor(s.name().value()), now)
          && repo.setWishIf(s.name(), SiteWish.RUNNING, SiteWish.SLEEPING)) {
        workers.wake(s.name(), Cause.IDLE);
      }
    }
  }
}
