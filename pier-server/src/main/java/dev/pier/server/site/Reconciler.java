package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.runc.ContainerState;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.image.ImageService;
import dev.pier.server.site.SiteWorkers.Cause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Makes the host match the database, at start and then periodically ({@link #recheck()}), by waking every site's
 * worker ({@link SiteSync} does the rest): at start, every site is brought to its wish, an operation that a crash
 * interrupted is finished, sites that kept running are adopted untouched and sites meant to run whose container is
 * gone are started again. Containers, mounts and directories that no site owns are removed. Idempotent: running it
 * twice changes nothing the second time.
 */
@Component
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final SiteWorkers workers;
  private final SiteLocks locks;
  private final ImageService images;

  Reconciler(SiteRepository repo, SiteEngine engine, SiteWorkers workers, SiteLocks locks, ImageService images) {
    this.repo = repo;
    this.engine = engine;
    this.workers = workers;
    this.locks = locks;
    this.images = images;
  }

  /** At start: every site to its wish (in parallel, each on its worker), then what no site owns is removed. */
  public void reconcile() {
    List<CompletableFuture<Void>> passes = new ArrayList<>();
    for (Site s : repo.all()) {
      passes.add(workers.wake(s.name(), Cause.STARTUP).exceptionally(e -> {
        log.error("site {}: could not bring it to {}: {}", s.name(), s.wish().name().toLowerCase(), e.getMessage());
        return null;
      }));
    }
    CompletableFuture.allOf(passes.toArray(CompletableFuture[]::new)).join();
    removeOrphans(true);
  }

  /**
   * The periodic pass, while Pier runs: every site's worker compares it with the host again (a stopped site that
   * has something on the host again loses it; an operation the pass at start could not finish is tried again),
   * things no site owns are removed, and image versions no site runs are dropped.
   */
  @Scheduled(fixedDelayString = "${pier.engine.reconcile-interval}", initialDelayString = "${pier.engine.reconcile-interval}")
  public void recheck() {
    for (Site s : repo.all()) {
      workers.wake(s.name(), Cause.RECONCILE);
    }
    removeOrphans(false);
    try {
      images.collectAll();
    } catch (RuntimeException e) {
      log.warn("could not remove unused image versions: {}", e.getMessage());
    }
  }

  /** Removes what a site without a row left, unless the site was created meanwhile; logs and goes on if it cannot. */
  private void removeLeftovers(SiteName name, String what) {
    try {
      locks.locked(name, () -> {
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
