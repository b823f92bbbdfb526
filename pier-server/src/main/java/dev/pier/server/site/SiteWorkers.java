package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One worker per site, as kubelet's pod workers: every trigger (an API call, a container that exited, an idle
 * timeout, a reconciliation) records the site's wish elsewhere and wakes its worker here. A worker runs passes of
 * {@link Sync#sync} for its site one at a time on a virtual thread of its own, so a slow site never delays another;
 * wakes that come while a pass runs are folded into the next one. Each wake's future completes when the first pass
 * that began after it has ended, or fails with what that pass threw.
 */
@Component
class SiteWorkers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SiteWorkers.class);

  /** Why a worker was woken; a pass gets every cause gathered since the last one. */
  enum Cause {
    /** The owner (or an admin) asked, through the API or the panel, and waits for the outcome. */
    OWNER,
    /** The create call itself waits: a creation that fails is undone whole. */
    CREATE,
    /** The edge holds a request for the sleeping site. */
    WAKE,
    /** Pier is starting: finish what a crash interrupted, adopt what runs. */
    STARTUP,
    /** The periodic comparison of the host with the database. */
    RECONCILE,
    /** The supervisor saw its container gone, or a restart is due. */
    SUPERVISOR,
    /** It has been idle for its sleep time. */
    IDLE,
    /** Its content and data are replaced (a restore): stopped at once, nothing it would still write kept. */
    REPLACE
  }

  /** Brings one site from what the host has to what was asked. */
  interface Sync {
    Pass sync(SiteName name, Set<Cause> causes);
  }

  /**
   * How a pass ended: the site is gone (its worker is dropped), or its worker is to be woken again at {@code again}
   * (a restart after a back-off), or neither.
   */
  record Pass(boolean gone, Instant again) {

    static final Pass SETTLED = new Pass(false, null);
    static final Pass GONE = new Pass(true, null);

    static Pass at(Instant again) {
      return new Pass(false, again);
    }
  }

  private final Sync sync;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "site-timers");
    t.setDaemon(true);
    return t;
  });

  SiteWorkers(Sync sync) {
    this.sync = sync;
  }

  /** Wakes the site's worker; the future completes when a pass that saw this wake has ended. */
  CompletableFuture<Void> wake(SiteName name, Cause cause) {
    return workers.computeIfAbsent(name.value(), k -> new Worker(name)).wake(cause);
  }

  /** Wakes the site's worker at {@code due} (at once if that has passed). */
  void wakeAt(SiteName name, Instant due, Cause cause) {
    long delay = Math.max(0, Duration.between(Instant.now(), due).toMillis());
    timers.schedule(() -> {
      wake(name, cause);
    }, delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }

  private final class Worker {
    private final SiteName name;
    private final EnumSet<Cause> causes = EnumSet.noneOf(Cause.class);
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private boolean running;

    Worker(SiteName name) {
      this.name = name;
    }

    synchronized CompletableFuture<Void> wake(Cause cause) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      causes.add(cause);
      waiting.add(done);
      if (!running) {
        running = true;
        Thread.ofVirtual().name("site-" + name.value()).start(this::run);
      }
      return done;
    }

    private void run() {
      while (true) {
        List<CompletableFuture<Void>> batch;
        Set<Cause> these;
        synchronized (this) {
          if (waiting.isEmpty()) {
            running = false;
            return;
          }
          batch = waiting;
          waiting = new ArrayList<>();
          these = EnumSet.copyOf(causes);
          causes.clear();
        }
        try {
          Pass pass = sync.sync(name, these);
          if (pass.again() != null) {
            wakeAt(name, pass.again(), Cause.SUPERVISOR);
          }
          if (pass.gone()) {
            // A deleted site's worker goes (a later site of the same name gets a new one), unless woken meanwhile.
            workers.computeIfPresent(name.value(), (k, w) -> {
              if (w != this) {
                return w; // a newer worker of a site of the same name
              }
              synchronized (w) {
                return w.waiting.isEmpty() ? null : w;
              }
            });
          }
          batch.forEach(f -> f.complete(null));
        } catch (RuntimeException | Error e) {
          if (!these.contains(Cause.OWNER) && !these.contains(Cause.CREATE) && !these.contains(Cause.WAKE)) {
            log.warn("site {}: {}", name, e.getMessage());
          }
          batch.forEach(f -> f.completeExceptionally(e));
        }
      }
    }
  }
}
