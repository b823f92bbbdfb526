package dev.pier.server.site;

import dev.pier.engine.container.ExitRecorder;
import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.container.SiteSpec;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.PierException;
import dev.pier.server.config.PierProperties;
import dev.pier.server.image.ImageService;
import dev.pier.server.site.SiteWorkers.Cause;
import dev.pier.server.site.SiteWorkers.Pass;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The one place that brings a site from what the host has to what was asked ({@link SiteWish}). Level-triggered:
 * each pass reads the site's row and what runs on the host, and takes the steps between them, whatever woke it.
 * Every transition is written once here: its intent state first (so that after a crash the next start finishes or
 * undoes it), the host step (the engine undoes its own completed steps when a later one fails), then the outcome,
 * with the edge's routes refreshed at each. Passes for one site hold its lock; different sites run in parallel.
 */
@Component
class SiteSync implements SiteWorkers.Sync {

  private static final Logger log = LoggerFactory.getLogger(SiteSync.class);

  /** A site's restarts by its supervisor: when the next is due, how many in a row, when the last was. */
  private static final class Restarts {
    Instant due;
    int inARow;
    Instant lastRestart;
  }

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final SiteSpecs specs;
  private final SiteLocks locks;
  private final RouteRefresher routes;
  private final ImageService images;
  private final PierProperties props;
  private final ApplicationEventPublisher events;
  private final HostLeftovers leftovers;
  private final SiteContent content;
  private final Map<String, Restarts> restarts = new ConcurrentHashMap<>();
  private final Semaphore startups = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));

  SiteSync(SiteRepository repo, SiteEngine engine, SiteSpecs specs, SiteLocks locks, RouteRefresher routes, ImageService images,
      PierProperties props, ApplicationEventPublisher events, HostLeftovers leftovers, SiteContent content) {
    this.repo = repo;
    this.engine = engine;
    this.specs = specs;
    this.locks = locks;
    this.routes = routes;
    this.images = images;
    this.props = props;
    this.events = events;
    this.leftovers = leftovers;
    this.content = content;
  }

  @Override
  public Pass sync(SiteName name, Set<Cause> causes) {
    if (!causes.contains(Cause.STARTUP)) {
      return pass(name, causes);
    }
    // At Pier's start every site's worker runs at once: as many start their site at a time as there are cores, so
    // that sites brought back after a reboot do not all race their readiness timeout together.
    startups.acquireUninterruptibly();
    try {
      return pass(name, causes);
    } finally {
      startups.release();
    }
  }

  private Pass pass(SiteName name, Set<Cause> causes) {
    return locks.locked(name, () -> {
      Site s = repo.find(name).orElse(null);
      if (s == null) {
        restarts.remove(name.value());
        return Pass.GONE;
      }
      if (s.wish() == SiteWish.DELETED) {
        delete(s);
        return Pass.GONE;
      }
      if (s.state() == SiteState.CREATING) {
        s = create(s, causes);
      }
      return s.wish() == SiteWish.RUNNING ? run(s, causes) : stop(s, s.wish().settled(), causes);
    });
  }

  /** Prepares a new site's disk and address on the host: the create call's, or one a crash interrupted. */
  private Site create(Site s, Set<Cause> causes) {
    SiteSpec spec = specs.spec(s);
    if (causes.contains(Cause.CREATE)) {
      events.publishEvent(new SiteAdmitted(s.name(), props.hostname(s.name().value())));
    }
    try {
      engine.prepare(spec);
    } catch (RuntimeException e) {
      if (!causes.contains(Cause.CREATE)) {
        // An interrupted creation stays CREATING: the next pass tries again.
        throw causes.contains(Cause.OWNER) ? SiteErrors.failed("finish creating", s, e) : e;
      }
      try {
        engine.remove(spec);
        repo.delete(s.name());
        events.publishEvent(new SiteDeleted(s.name()));
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw SiteErrors.failed("create", s, e);
    }
    settle(s, SiteState.STOPPED, null);
    events.publishEvent(new SiteCreated(s.name(), props.hostname(s.name().value())));
    log.info("site {} created for {} at {}", s.name(), s.owner(), s.ipv4());
    return repo.find(s.name()).orElseThrow();
  }

  private Pass run(Site s, Set<Cause> causes) {
    boolean asked = causes.contains(Cause.OWNER) || causes.contains(Cause.CREATE) || causes.contains(Cause.WAKE);
    boolean startup = causes.contains(Cause.STARTUP);
    Restarts r = restarts.get(s.name().value());
    if (engine.isRunning(s.name())) {
      if (s.state() != SiteState.RUNNING) {
        settle(s, SiteState.RUNNING, null); // a start that a crash interrupted after its container ran
        log.info("site {}: running", s.name());
      } else if (startup) {
        log.info("site {}: running, adopted", s.name());
        applyPlan(s); // a plan change that a crash interrupted reaches the container now
      }
      return Pass.SETTLED;
    }
    if (s.state() == SiteState.RUNNING && !asked && !startup) {
      return exited(s);
    }
    boolean supervised = !asked && !startup && s.state() == SiteState.STARTING && r != null && r.due != null;
    if (supervised && Instant.now().isBefore(r.due)) {
      return Pass.at(r.due); // waiting out its back-off
    }
    return start(s, causes, supervised);
  }

  private Pass start(Site s, Set<Cause> causes, boolean supervised) {
    Restarts r = supervised ? restarts.get(s.name().value()) : null;
    if (r != null) {
      r.due = null;
      r.lastRestart = Instant.now();
    }
    boolean[] touched = {false};
    try {
      images.holdingVersions(() -> {
        SiteSpec spec = specs.forStart(s); // refused while its image is not built
        touched[0] = true;
        repo.setState(s.name(), SiteState.STARTING, r != null ? s.lastError() : null);
        engine.start(spec);
        return null;
      });
    } catch (RuntimeException e) {
      return startFailed(s, causes, r, e, touched[0]);
    }
    settle(s, SiteState.RUNNING, null);
    if (r != null) {
      repo.countRestart(s.name());
      log.info("site {}: started again (restart {} in a row)", s.name(), r.inARow);
    } else {
      log.info(causes.contains(Cause.WAKE) ? "site {} woke up for a request" : "site {} started", s.name());
    }
    return Pass.SETTLED;
  }

  /** A start that failed: by whom it was asked, the site goes back to sleep, stops, or waits for its next restart. */
  private Pass startFailed(Site s, Set<Cause> causes, Restarts r, RuntimeException e, boolean touched) {
    if (r != null) {
      repo.countRestart(s.name()); // counted as an exit: the next restart waits longer
      return restartOrGiveUp(s, true, "could not start it again: " + SiteErrors.shown("restart", s, e), r);
    }
    if (causes.contains(Cause.WAKE) && !causes.contains(Cause.OWNER)) {
      repo.giveUpWish(s, SiteWish.SLEEPING);
      settle(s, SiteState.SLEEPING, "could not wake it: " + SiteErrors.shown("wake", s, e));
      throw e;
    }
    if (!touched && e instanceof PierException refused) {
      // Refused before the host was touched (its image is not built yet): nothing changed but the wish.
      repo.giveUpWish(s, s.state() == SiteState.SLEEPING ? SiteWish.SLEEPING : SiteWish.STOPPED);
      if (s.state() == SiteState.STARTING || s.state() == SiteState.RUNNING) {
        settle(s, SiteState.STOPPED, refused.getMessage());
      }
      throw refused;
    }
    repo.giveUpWish(s, SiteWish.STOPPED);
    boolean asked = causes.contains(Cause.OWNER);
    String shown = SiteErrors.shown("start", s, e);
    settle(s, SiteState.STOPPED, asked ? shown : "could not start it again when Pier started: " + shown);
    throw asked ? SiteErrors.failed("start", s, e, shown) : e;
  }

  /** The container of a site meant to run has gone by itself: record why, clean up, and restart it later or give up. */
  private Pass exited(Site s) {
    long ooms = engine.oomKills(s.name());
    OptionalInt status = engine.exitStatus(s.name());
    String exit = ooms > 0 ? "killed for lack of memory (its plan allows " + (specs.limits(s).memoryBytes() >> 20) + " MiB)"
        : status.isPresent() ? ExitRecorder.describe(status.getAsInt()) : "exited";
    boolean failed = ooms > 0 || status.isEmpty() || status.getAsInt() != 0; // on-failure: status 0 did not fail
    String detail = "its container " + exit + ": " + engine.consoleTail(s.name());
    engine.teardown(specs.spec(s));
    repo.setLastExit(s.name(), exit + " at " + Instant.now());
    return restartOrGiveUp(s, failed, detail, restarts.computeIfAbsent(s.name().value(), k -> new Restarts()));
  }

  private Pass restartOrGiveUp(Site s, boolean failed, String detail, Restarts r) {
    RestartBackoff.Decision d = RestartBackoff.decide(s.restartPolicy(), failed, r.inARow, r.lastRestart, Instant.now());
    if (!d.restart()) {
      String why = d.gaveUp() ? "gave up after " + d.inARow() + " restarts in a row; " + detail : detail;
      log.warn("site {}: {}", s.name(), why);
      r.inARow = 0;
      r.due = null;
      repo.giveUpWish(s, SiteWish.STOPPED);
      settle(s, SiteState.STOPPED, why);
      return Pass.SETTLED;
    }
    log.warn("site {}: {}; starting it again in {} s", s.name(), detail, Duration.between(Instant.now(), d.due()).toSeconds());
    r.inARow = d.inARow();
    r.due = d.due();
    settle(s, SiteState.STARTING, detail);
    return Pass.at(d.due());
  }

  /** Brings a site to {@code target} (stopped or sleeping): stops whatever it has on the host. */
  private Pass stop(Site s, SiteState target, Set<Cause> causes) {
    Restarts r = restarts.get(s.name().value());
    if (r != null) {
      r.due = null;
    }
    boolean checking = causes.contains(Cause.STARTUP) || causes.contains(Cause.RECONCILE);
    boolean running = engine.isRunning(s.name());
    // A stopped site's disk left mounted by a change of its content is no leftover: it is unmounted here, and only
    // the rest (a container, a network namespace) counts.
    boolean lingered = checking && !running && content.releaseIfLingering(s.name());
    if (!running && s.state() != SiteState.RUNNING && s.state() != SiteState.STOPPING
        && !(checking && leftovers.has(s.name(), !lingered))) {
      if (s.state() != target) {
        settle(s, target, s.state() == SiteState.STOPPED || s.state() == SiteState.SLEEPING ? s.lastError() : null);
      }
      return Pass.SETTLED;
    }
    boolean idle = causes.contains(Cause.IDLE) && target == SiteState.SLEEPING;
    Duration grace = causes.contains(Cause.REPLACE) ? Duration.ZERO
        : causes.contains(Cause.OWNER) || idle ? props.engine().stopGrace() : Duration.ofSeconds(running ? 5 : 1);
    if (checking && s.state() != SiteState.STOPPING) {
      log.warn("site {} is {} but {}: stopping it", s.name(), target.name().toLowerCase(), running ? "its container runs" : "had things on the host");
    }
    settle(s, SiteState.STOPPING, null);
    try {
      engine.stop(specs.spec(s), grace);
    } catch (RuntimeException e) {
      boolean still = engine.isRunning(s.name());
      if (idle) {
        repo.giveUpWish(s, still ? SiteWish.RUNNING : SiteWish.STOPPED);
      }
      String shown = SiteErrors.shown(idle ? "put to sleep" : "stop", s, e);
      settle(s, still ? SiteState.RUNNING : SiteState.STOPPED, (idle ? "could not put it to sleep: " : "") + shown);
      throw causes.contains(Cause.OWNER) || causes.contains(Cause.REPLACE) ? SiteErrors.failed("stop", s, e, shown) : e;
    }
    settle(s, target, null);
    log.info(idle ? "site {} is asleep (idle for {} s)" : "site {} stopped", s.name(), s.web().sleepAfterSeconds());
    collectImage(s);
    return Pass.SETTLED;
  }

  /** Removes everything the site has on the host, then its row; its address becomes free. */
  private void delete(Site s) {
    settle(s, SiteState.DELETING, null);
    try {
      engine.remove(specs.spec(s));
    } catch (RuntimeException e) {
      // What is left is removed by the next delete, which may be asked for at once.
      boolean still = engine.isRunning(s.name());
      repo.giveUpWish(s, still ? SiteWish.RUNNING : SiteWish.STOPPED);
      String shown = SiteErrors.shown("delete", s, e);
      settle(s, still ? SiteState.RUNNING : SiteState.STOPPED, shown);
      throw SiteErrors.failed("delete", s, e, shown);
    }
    repo.delete(s.name());
    restarts.remove(s.name().value());
    routes.refresh();
    events.publishEvent(new SiteDeleted(s.name()));
    log.info("site {} deleted", s.name());
    collectImage(s);
  }


  /** Applies the site's recorded plan to its running container, if it runs. Call holding the site's lock. */
  PlanChange applyPlan(Site s) {
    if (s.state() != SiteState.RUNNING) {
      return new PlanChange(s, "next-start", "the site is not running");
    }
    try {
      if (!engine.updateLimits(specs.spec(s))) {
        return new PlanChange(s, "next-start", "the site's container is not running");
      }
      log.info("site {}: plan {} applied to its running container", s.name(), s.plan());
      return new PlanChange(s, "now", null);
    } catch (RuntimeException e) {
      log.info("site {}: plan {} takes effect at its next start: {}", s.name(), s.plan(), e.getMessage());
      return new PlanChange(s, "next-start", "the running container refused the new limits: " + SiteErrors.shown("apply a plan to", s, e));
    }
  }

  /** Records a state (and why, for a site that stopped by itself or could not start) and shows it at the edge. */
  private void settle(Site s, SiteState state, String lastError) {
    repo.setState(s.name(), state, truncate(lastError));
    routes.refresh();
  }

  /** After a site stopped or went: the image version it ran on may be unused now. */
  private void collectImage(Site s) {
    try {
      images.collect(s.image());
    } catch (RuntimeException e) {
      log.warn("image {}: could not remove unused versions: {}", s.image(), e.getMessage());
    }
  }

  static String truncate(String s) {
    return s == null ? null : s.length() > 1900 ? s.substring(0, 1900) + "..." : s;
  }
}
