package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps every site's console log under its size limit, on a schedule of its own: copying a huge log delays only
 * the next log's turn, never a site's start, stop or restart.
 */
@Component
class ConsoleLogs {

  private static final Logger log = LoggerFactory.getLogger(ConsoleLogs.class);

  private final SiteRepository repo;
  private final SiteEngine engine;

  ConsoleLogs(SiteRepository repo, SiteEngine engine) {
    this.repo = repo;
    this.engine = engine;
  }

  @Scheduled(fixedDelayString = "${pier.engine.watch-interval}", initialDelayString = "${pier.engine.watch-interval}")
  void cap() {
    for (Site s : repo.all()) {
      try {
        engine.capLog(s.name());
      } catch (RuntimeException e) {
        log.warn("site {}: cannot cap its console log: {}", s.name(), e.getMessage());
      }
    }
  }
}
