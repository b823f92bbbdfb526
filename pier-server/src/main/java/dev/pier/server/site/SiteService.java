package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.limits.Limits;
import dev.pier.engine.network.AddressPool;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.image.ImageService;
import dev.pier.server.plan.Plan;
import dev.pier.server.plan.PlanChanged;
import dev.pier.server.plan.PlanGrants;
import dev.pier.server.plan.PlanRepository;
import dev.pier.server.site.SiteWorkers.Cause;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * The site lifecycle as callers see it: create, start, stop, delete, change. Each call checks who asks, records what
 * they asked for (the site's {@link SiteWish}) and wakes the site's worker, then waits for the worker's pass
 * ({@link SiteSync}) and answers with its outcome. Who may do what is decided by the callers' {@link Caller}.
 */
@Service
public class SiteService {

  /** The plan new sites get when none is named. */
  public static final String DEFAULT_PLAN = PlanGrants.DEFAULT_PLAN;
  /** The image new sites get when none is named. */
  public static final String DEFAULT_IMAGE = StaticImage.NAME;
  /** The most a log request returns. */
  public static final int MAX_LOG_BYTES = 1 << 20;

  private static final Executor WAKERS = Executors.newVirtualThreadPerTaskExecutor();

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final AddressPool pool;
  private final PlanRepository plans;
  private final ImageService images;
  private final SiteLocks locks;
  private final SiteSync sync;
  private final SiteSpecs specs;
  private final SiteWorkers workers;
  private final RouteRefresher routes;
  private final Quotas quotas;

  SiteService(SiteRepository repo, SiteEngine engine, AddressPool pool, PlanRepository plans, ImageService images, SiteLocks locks,
      SiteSync sync, SiteSpecs specs, SiteWorkers workers, RouteRefresher routes, Quotas quotas) {
    this.repo = repo;
    this.engine = engine;
    this.pool = pool;
    this.plans = plans;
    this.images = images;
    this.locks = locks;
    this.sync = sync;
    this.specs = specs;
    this.workers = workers;
    this.routes = routes;
    this.quotas = quotas;
  }

  /** Sites the caller sees: all of them for admins, their own for others. */
  public List<Site> list(Caller caller) {
    return caller.admin() ? repo.all() : repo.ownedBy(caller.user());
  }

  /** One site the caller may see; another user's site is "not found", as if it did not exist. */
  public Site get(Caller caller, String rawName) {
    SiteName name = SiteName.of(rawName);
    Site s = repo.find(name).orElseThrow(() -> SiteErrors.notFound(rawName));
    if (!caller.admin() && !s.owner().equals(caller.user())) {
      throw SiteErrors.notFound(rawName);
    }
    return s;
  }

  /** Creates a stopped site on the default plan and image. */
  public Site create(Caller caller, String rawName) {
    return create(caller, rawName, null, null);
  }

  /**
   * Creates a stopped site with its own address and starter page, on {@code planName} and {@code imageName} (null:
   * the defaults). The image need not be built yet: the site gets its current version at each start.
   */
  public Site create(Caller caller, String rawName, String planName, String imageName) {
    SiteName name = SiteName.forNewSite(rawName);
    Plan plan = plan(planName == null || planName.isBlank() ? DEFAULT_PLAN : planName);
    String image = images.forCreate(imageName == null || imageName.isBlank() ? DEFAULT_IMAGE : imageName).name();
    quotas.admitting(() -> quotas.checkCreate(caller, plan), () -> locks.locked(name, () -> insert(caller, rawName, name, plan.name(), image)));
    await(workers.wake(name, Cause.CREATE));
    return repo.find(name).orElseThrow(() -> SiteErrors.notFound(rawName));
  }

  /** Inserts the new site's row (CREATING), with the lowest free address. */
  private Site insert(Caller caller, String rawName, SiteName name, String plan, String image) {
    if (repo.find(name).isPresent()) {
      throw SiteErrors.taken(rawName);
    }
    Instant now = Instant.now();
    for (int attempt = 0; ; attempt++) {
      String address = pool.lowestFree(repo.addresses()).orElseThrow(() -> SiteErrors.networkFull(pool.subnet().capacity()));
      Site candidate = Site.created(name, caller.user(), address, image, plan, now);
      try {
        repo.insert(candidate);
        quotas.created(caller.user());
        return candidate;
      } catch (DataIntegrityViolationException e) {
        if (!(e instanceof DuplicateKeyException)) {
          plan(plan); // the plan or image was deleted meanwhile: a 400 that names it
          images.forCreate(image);
          throw e;
        }
        if (repo.find(name).isPresent()) {
          throw SiteErrors.taken(rawName);
        }
        if (attempt > 5) {
          throw e;
        }
      }
    }
  }

  /** Starts the site; when this returns it answers through the edge. Starting a running site does nothing. */
  public Site start(Caller caller, String rawName) {
    return ask(caller, rawName, SiteWish.RUNNING);
  }

  /** Stops the site: SIGTERM, then SIGKILL after the grace period. Stopping a stopped site does nothing. */
  public Site stop(Caller caller, String rawName) {
    return ask(caller, rawName, SiteWish.STOPPED);
  }

  /** Deletes the site and everything it had on the host; its address becomes free. */
  public void delete(Caller caller, String rawName) {
    ask(caller, rawName, SiteWish.DELETED);
  }

  /**
   * Stops the site at once (SIGKILL, no grace): for a restore, which puts other data in place of what it would still
   * write. Stopping a stopped site does nothing.
   */
  public Site stopAtOnce(Caller caller, String rawName) {
    return ask(caller, rawName, SiteWish.STOPPED, Cause.REPLACE);
  }

  /** Records the caller's wish for the site, and returns the site once its worker has acted on it. */
  private Site ask(Caller caller, String rawName, SiteWish wish) {
    return ask(caller, rawName, wish, Cause.OWNER);
  }

  private Site ask(Caller caller, String rawName, SiteWish wish, Cause cause) {
    Site s = get(caller, rawName);
    if (!repo.setWish(s.name(), wish)) {
      throw SiteErrors.deleting(s.name());
    }
    await(workers.wake(s.name(), cause));
    return repo.find(s.name()).orElse(s);
  }

  /** What a change did: the site as it is now, and where a plan change took effect (null: the plan stayed). */
  public record Changed(Site site, PlanChange planChange) {}

  /**
   * Applies a checked change whole, under the site's lock, in one database update: all of it or nothing. A new
   * plan's CPU, memory and process limits reach a running container at once (runc update); when the kernel refuses
   * (memory below what the site uses now, say) or the site is stopped, they take effect at its next start. The
   * edge's settings apply at once.
   */
  public Changed change(Caller caller, String rawName, SitePatch patch) {
    Plan plan = patch.plan() == null ? null : plan(patch.plan());
    // A move to another plan is checked against grants, quotas and the host's disk, one admission at a time.
    boolean moving = plan != null && !repo.find(SiteName.of(rawName)).map(s -> s.plan().equals(plan.name())).orElse(false);
    Changed done = moving ? null : changeLocked(caller, rawName, patch, plan);
    // A move found under the site's lock (another change came between) is made again under the admission.
    return done != null ? done : quotas.admitting(() -> { }, () -> changeLocked(caller, rawName, patch, plan));
  }

  private Changed changeLocked(Caller caller, String rawName, SitePatch patch, Plan plan) {
    return locks.locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      if (s.state() == SiteState.DELETING || s.wish() == SiteWish.DELETED) {
        throw SiteErrors.deleting(s.name());
      }
      if (plan != null && !plan.name().equals(s.plan())) {
        if (!quotas.admitted()) {
          return null; // checked and made under the admission only: see change
        }
        quotas.checkMove(caller, s, plan(s.plan()), plan);
      }
      if (plan == null && patch.restartPolicy() == null && !patch.changesWeb()) {
        return new Changed(s, null);
      }
      try {
        repo.update(s.name(), plan == null ? s.plan() : plan.name(), patch.restartPolicy() == null ? s.restartPolicy() : patch.restartPolicy(),
            patch.applyTo(s.web()));
      } catch (DataIntegrityViolationException e) {
        plan(patch.plan()); // the plan was deleted meanwhile: a 400 that names it
        throw e;
      }
      Site updated = repo.find(s.name()).orElseThrow();
      PlanChange change = plan == null ? null : sync.applyPlan(updated);
      routes.refresh(); // outbound access follows the plan, and the edge the settings, at once
      return new Changed(updated, change);
    });
  }

  /** Moves a site to another plan (see {@link #change}). */
  public PlanChange changePlan(Caller caller, String rawName, String planName) {
    return change(caller, rawName, new SitePatch(planName, null, null, null, null, false, null)).planChange();
  }

  /**
   * Changes how the edge serves the site; null leaves a setting as it is ({@code maxBodyBytes} 0: back to the
   * edge's default) and, when {@code changeSleep}, sets the idle time after which the site sleeps (null: never).
   */
  public Site changeWeb(Caller caller, String rawName, Boolean httpsOnly, Boolean hsts, Long maxBodyBytes, boolean changeSleep,
      Integer sleepAfterSeconds) {
    return change(caller, rawName, SitePatch.web(httpsOnly, hsts, maxBodyBytes, changeSleep, sleepAfterSeconds)).site();
  }

  /** Re-applies a changed plan to every running site on it. */
  @EventListener
  void planChanged(PlanChanged changed) {
    for (Site s : repo.onPlan(changed.plan())) {
      locks.locked(s.name(), () -> sync.applyPlan(repo.find(s.name()).orElse(s)));
    }
    routes.refresh();
  }

  /**
   * Wakes a sleeping site for the edge: its worker starts it, and the future completes once it runs and routes to
   * it. Requests that arrive meanwhile wait for the same start.
   */
  public CompletableFuture<Void> wake(String rawName) {
    // The edge asks on an event loop: the database is read on a virtual thread, and every failure fails the future.
    return CompletableFuture.supplyAsync(() -> {
      SiteName name = SiteName.of(rawName);
      while (true) {
        Site s = repo.find(name).orElseThrow(() -> SiteErrors.notFound(rawName));
        switch (s.wish()) {
          case RUNNING -> {
            // Running, or being woken by another visitor's request, who came just before: the same start serves.
            return s.state() == SiteState.RUNNING ? CompletableFuture.<Void>completedFuture(null) : workers.wake(name, Cause.WAKE);
          }
          case SLEEPING -> {
            if (repo.setWishIf(name, SiteWish.SLEEPING, SiteWish.RUNNING)) {
              return workers.wake(name, Cause.WAKE);
            }
            // Another request's wake (or the owner) turned the wish since it was read: read it again.
          }
          case STOPPED -> throw PierException.conflict("Site stopped", "site \"" + rawName + "\" is stopped: only its owner starts it");
          case DELETED -> throw PierException.conflict("Site being deleted", "site \"" + rawName + "\" is being deleted");
          default -> throw new IllegalStateException("site \"" + rawName + "\": no wake for the wish " + s.wish());
        }
      }
    }, WAKERS).thenCompose(f -> f);
  }

  /** The end of what the site's container printed, up to {@code bytes} bytes. */
  public String log(Caller caller, String rawName, int bytes) {
    checkLogSize(bytes);
    return engine.readLog(get(caller, rawName).name(), bytes);
  }

  /** Refuses a log size outside 1 byte to {@link #MAX_LOG_BYTES}. */
  public static void checkLogSize(int bytes) {
    if (bytes < 1 || bytes > MAX_LOG_BYTES) {
      throw PierException.invalid("Invalid size", "bytes=" + bytes + " is out of range: ask for 1 to " + MAX_LOG_BYTES);
    }
  }

  /** The limits of the site's plan. */
  public Limits limits(Site s) {
    return specs.limits(s);
  }

  private Plan plan(String name) {
    return plans.find(name == null ? "" : name).orElseThrow(() -> PierException.invalid("Unknown plan", "plan \"" + name
        + "\" does not exist: choose one of " + String.join(", ", plans.all().stream().map(Plan::name).toList())));
  }

  /** Waits for a worker's pass; what it threw is thrown here. */
  private static void await(CompletableFuture<Void> pass) {
    try {
      pass.get();
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the site's worker");
    }
  }
}
