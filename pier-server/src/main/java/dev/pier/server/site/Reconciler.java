package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.runc.ContainerState;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes the host match the database, at start and then periodically ({@link #recheck()}). At start: every site is brought to the state its row records, and an
 * operation that a crash interrupted is finished (create, start, stop and delete all roll forward). Running
 * sites whose container still runs are adopted untouched; sites meant to run whose container is gone are
 * started again; containers, mounts and directories that no site owns are removed. Idempotent: running it
 * twice changes nothing the second time.
 */
@Component
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final SiteService sites;

  private final RouteRefresher routes;

  Reconciler(SiteRepository repo, SiteEngine engine, SiteService sites, RouteRefresher routes) {
    this.routes = routes;
    this.repo = repo;
    this.engine = engine;
    this.sites = sites;
  }

  public void reconcile() {
    List<Site> all = repo.all();
    // Read once for all sites, so that settled stopped sites cost nothing to check.
    Set<String> containers = new HashSet<>();
    for (ContainerState c : engine.ownContainers()) {
      containers.add(c.id());
    }
    List<Path> mounts = engine.mountPoints();
    for (Site s : all) {
      try {
        sites.locked(s.name(), () -> {
          converge(repo.find(s.name()).orElse(null), containers, mounts);
          return null;
        });
        routes.refresh(); // the edge serves each site as soon as it is settled, not after the whole pass
      } catch (RuntimeException e) {
        log.error("site {}: could not bring it to {}: {}", s.name(), s.state(), e.getMessage());
      }
    }
    removeOrphans(true);
  }

  /**
   * The periodic pass, while Pier runs: stopped sites that have something on the host again lose it, things no
   * site owns are removed, image versions no site runs are dropped, and an interrupted operation that the pass at
   * start could not finish is tried again. Sites meant to run whose container is down are the supervisor's ({@link SiteWatcher}, with its back-off and restart policy), and operations under way
   * hold their site's lock, so this pass only ever sees settled states.
   */
  @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "${pier.engine.reconcile-interval}",
      initialDelayString = "${pier.engine.reconcile-interval}")
  public void recheck() {
    Set<String> containers = new HashSet<>();
    for (ContainerState c : engine.ownContainers()) {
      containers.add(c.id());
    }
    List<Path> mounts = engine.mountPoints();
    for (Site s : repo.all()) {
      if (s.state() == SiteState.RUNNING) {
        continue;
      }
      try {
        sites.locked(s.name(), () -> {
          Site now = repo.find(s.name()).orElse(null);
          if (now != null && now.state().busy()) {
            // Operations hold the site's lock until they record a settled state: an intent seen under the lock is
            // one that the reconciliation at start could not finish. Try again.
            log.info("site {} is still {}: finishing it", now.name(), now.state());
            converge(now, containers, mounts);
          } else if (now != null && idle(now.state()) && engine.hasLeftovers(now.name(), containers, mounts)
              && !engine.isRunning(now.name())) {
            log.warn("site {} is stopped but had things on the host: removing them", now.name());
            engine.stop(sites.spec(now), java.time.Duration.ofSeconds(1));
          } else if (now != null && idle(now.state()) && engine.isRunning(now.name())) {
            log.warn("site {} is stopped but its container runs: stopping it", now.name());
            engine.stop(sites.spec(now), java.time.Duration.ofSeconds(5));
          }
          return null;
        });
      } catch (RuntimeException e) {
        log.error("site {}: could not clear what it had on the host: {}", s.name(), e.getMessage());
      }
    }
    removeOrphans(false);
    sites.collectImages();
  }

  /** States in which a site has nothing on the host. */
  private static boolean idle(SiteState state) {
    return state == SiteState.STOPPED || state == SiteState.SLEEPING;
  }

  private void converge(Site s, Set<String> containers, List<Path> mounts) {
    if (s == null) {
      return;
    }
    var spec = sites.spec(s);
    switch (s.state()) {
      case CREATING -> {
        engine.prepare(spec);
        repo.setState(s.name(), SiteState.STOPPED, null);
        log.info("site {}: finished its interrupted creation", s.name());
      }
      case RUNNING, STARTING -> {
        if (s.state() == SiteState.RUNNING && engine.isRunning(s.name())) {
          log.info("site {}: running, adopted", s.name());
          sites.applyPlan(s); // a plan change that a crash interrupted reaches the container now
          return;
        }
        try {
          sites.startForRecovery(s);
          repo.setState(s.name(), SiteState.RUNNING, null);
          log.info("site {}: started again ({})", s.name(), s.state() == SiteState.STARTING ? "its start was interrupted" : "its container was gone");
        } catch (RuntimeException e) {
          repo.setState(s.name(), SiteState.STOPPED, SiteService.truncate("could not start it again when Pier started: " + e.getMessage()));
          throw e;
        }
      }
      case STOPPING, STOPPED, SLEEPING -> { // a sleeping site has nothing on the host until a request wakes it
        if (s.state() == SiteState.STOPPING || engine.hasLeftovers(s.name(), containers, mounts)) {
          engine.stop(spec, java.time.Duration.ofSeconds(1));
        }
        if (s.state() == SiteState.STOPPING) {
          repo.setState(s.name(), SiteState.STOPPED, null);
          log.info("site {}: finished its interrupted stop", s.name());
        }
      }
      case DELETING -> {
        engine.remove(spec);
        repo.delete(s.name());
        log.info("site {}: finished its interrupted deletion", s.name());
      }
    }
  }

  /** Removes what a site without a row left, unless the site was created meanwhile; logs and goes on if it cannot. */
  private void removeLeftovers(SiteName name, String what) {
    try {
      sites.locked(name, () -> {
        if (repo.find(name).isEmpty()) {
          log.warn("{} belongs to no site: removing it", what);
          engine.removeLeftovers(name);
        }
        return null;
      });
    } catch (RuntimeException e) {
      log.error("could not remove {}, left by a site that no longer exists: {}", what, e.getMessage());
    }
  }

  /** @param atStart whether no operation can be under way (then half-deleted directories are finished too) */
  private void removeOrphans(boolean atStart) {
    Set<String> known = new HashSet<>();
    for (Site s : repo.all()) {
      known.add(s.name().value());
    }
    for (ContainerState c : engine.ownContainers()) {
      String site = c.bundle().getFileName().toString();
      if (!known.contains(site) && SiteName.problem(site) == null) {
        removeLeftovers(SiteName.of(site), "container " + c.id());
      }
    }
    Path sitesDir = engine.config().sitesDir();
    if (!Files.isDirectory(sitesDir)) {
      return;
    }
    try (var dirs = Files.list(sitesDir)) {
      for (Path d : dirs.toList()) {
        String n = d.getFileName().toString();
        if (n.startsWith(".deleting-")) {
          if (!atStart) {
            continue; // a delete under way may be removing it right now
          }
          try {
            MoreFiles.deleteRecursively(d);
          } catch (RuntimeException e) {
            log.error("could not remove {}: {}", d, e.getMessage());
          }
        } else if (!known.contains(n) && SiteName.problem(n) == null) {
          removeLeftovers(SiteName.of(n), "directory " + d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
