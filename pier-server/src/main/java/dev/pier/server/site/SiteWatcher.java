package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.runc.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Supervises running sites. One whose container has exited by itself (its program crashed, the OOM killer
 * struck, someone killed it) gets its leftovers removed and its exit recorded; then, by its
 * {@link RestartPolicy}, it is shown stopped ({@code never}) or started again after a back-off that doubles
 * with each restart in a row (1 s, 2 s, 4 s ... at most 5 min). After {@value #MAX_IN_A_ROW} restarts in a row
 * without a run of {@link #STABLE} it is given up and shown stopped, so a crash-looping site cannot load the
 * host. Each round also keeps every site's console log under its size limit. One {@code runc list} per round,
 * whatever the number of sites.
 */
@Component
class SiteWatcher {

  static final int MAX_IN_A_ROW = 10;
  static final Duration STABLE = Duration.ofMinutes(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(SiteWatcher.class);

  /** A site waiting to be started again. */
  private record Pending(Instant due, int inARow) {}

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final SiteService sites;
  private final RouteRefresher routes;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastRestart = new ConcurrentHashMap<>();
  private final Map<String, Integer> inARow = new ConcurrentHashMap<>();

  SiteWatcher(SiteRepository repo, SiteEngine engine, SiteService sites, RouteRefresher routes) {
    this.repo = repo;
    this.engine = engine;
    this.sites = sites;
    this.routes = routes;
  }

  /** The wait before the {@code n}th restart in a row (n from 1): 1 s, doubling, at most {@link #MAX_BACKOFF}. Pure. */
  static Duration backoff(int n) {
    long seconds = 1L << Math.min(Math.max(n - 1, 0), 20);
    return seconds >= MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
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
    Instant now = Instant.now();
    java.util.List<Site> all = repo.all();
    Set<String> names = new HashSet<>();
    for (Site s : all) {
      names.add(s.name().value());
    }
    for (Map<String, ?> m : java.util.List.of(pending, lastRestart, inARow)) {
      m.keySet().retainAll(names); // a deleted site's history does not pass to a new one of the same name
    }
    for (Site s : all) {
      String key = s.name().value();
      try {
        engine.capLog(s.name());
        if (s.state() != SiteState.RUNNING) {
          pending.remove(key);
          continue;
        }
        Pending p = pending.get(key);
        if (p != null) {
          if (!now.isBefore(p.due())) {
            restart(s, p.inARow());
          }
        } else if (!running.contains(engine.containerId(s.name()))) {
          exited(s, now);
        }
      } catch (RuntimeException e) {
        log.warn("site {}: {}", s.name(), e.getMessage());
      }
    }
  }

  /** The container of a site meant to run has gone: record why, clean up, and restart it later or give up. */
  private void exited(Site s, Instant now) {
    sites.locked(s.name(), () -> {
      Site site = repo.find(s.name()).orElse(null);
      if (site == null || site.state() != SiteState.RUNNING || engine.isRunning(s.name())) {
        return null;
      }
      long ooms = engine.oomKills(s.name());
      java.util.OptionalInt status = engine.exitStatus(s.name());
      String exit = ooms > 0
          ? "killed for lack of memory (its plan allows " + (sites.limits(site).memoryBytes() >> 20) + " MiB)"
          : status.isPresent() ? dev.pier.engine.container.ExitRecorder.describe(status.getAsInt()) : "exited";
      // on-failure: a server that ended by itself with status 0 did not fail.
      boolean failed = ooms > 0 || status.isEmpty() || status.getAsInt() != 0;
      String detail = "its container " + exit + ": " + engine.consoleTail(s.name());
      engine.teardown(sites.spec(site));
      repo.setLastExit(s.name(), exit + " at " + now);
      String key = s.name().value();
      Instant started = lastRestart.get(key);
      int row = started != null && Duration.between(started, now).compareTo(STABLE) < 0 ? inARow.getOrDefault(key, 0) : 0;
      boolean restart = site.restartPolicy() == RestartPolicy.ALWAYS || (site.restartPolicy() == RestartPolicy.ON_FAILURE && failed);
      if (!restart || row >= MAX_IN_A_ROW) {
        String why = !restart ? detail
            : "gave up after " + row + " restarts in a row; " + detail;
        log.warn("site {}: {}", s.name(), why);
        repo.setState(s.name(), SiteState.STOPPED, SiteService.truncate(why));
        inARow.remove(key);
        routes.refresh();
      } else {
        Duration wait = backoff(row + 1);
        log.warn("site {}: {}; starting it again in {} s", s.name(), detail, wait.toSeconds());
        repo.setState(s.name(), SiteState.RUNNING, SiteService.truncate(detail));
        pending.put(key, new Pending(now.plus(wait), row + 1));
      }
      return null;
    });
  }

  private void restart(Site s, int row) {
    String key = s.name().value();
    sites.locked(s.name(), () -> {
      pending.remove(key);
      Site site = repo.find(s.name()).orElse(null);
      if (site == null || site.state() != SiteState.RUNNING || engine.isRunning(s.name())) {
        return null;
      }
      lastRestart.put(key, Instant.now());
      inARow.put(key, row);
      try {
        sites.startForRecovery(site);
        repo.countRestart(s.name());
        repo.setState(s.name(), SiteState.RUNNING, null);
        log.info("site {}: started again (restart {} in a row)", s.name(), row);
      } catch (RuntimeException e) {
        // Counted as an exit: the next round sees it down and waits longer.
        repo.countRestart(s.name());
        log.warn("site {}: could not start it again: {}", s.name(), e.getMessage());
        repo.setState(s.name(), SiteState.RUNNING, SiteService.truncate("could not start it again: " + e.getMessage()));
      }
      return null;
    });
  }
}
