package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.container.SiteSpec;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.limits.Limits;
import dev.pier.engine.network.AddressPool;
import dev.pier.engine.site.SiteName;
import dev.pier.server.config.PierProperties;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * The site lifecycle: create, start, stop, delete. Each operation records its intent in the database first
 * (CREATING, STARTING, STOPPING, DELETING), then does the host work through the engine, then records the
 * outcome; on failure it undoes what it did. Operations on one site are serialized; different sites proceed
 * in parallel. Who may do what is decided by the callers' {@link Caller}.
 */
@Service
public class SiteService {

  private static final Logger log = LoggerFactory.getLogger(SiteService.class);

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final AddressPool pool;
  private final PierProperties props;
  private final RouteRefresher routes;
  private final dev.pier.server.plan.PlanRepository plans;
  private final dev.pier.server.image.ImageService images;
  private final dev.pier.server.accesslog.AccessLogs accessLogs;
  private final dev.pier.server.tls.SiteCertificates certificates;
  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  SiteService(SiteRepository repo, SiteEngine engine, AddressPool pool, PierProperties props, RouteRefresher routes,
      dev.pier.server.plan.PlanRepository plans, dev.pier.server.image.ImageService images,
      dev.pier.server.accesslog.AccessLogs accessLogs, dev.pier.server.tls.SiteCertificates certificates) {
    this.certificates = certificates;
    this.accessLogs = accessLogs;
    this.plans = plans;
    this.images = images;
    this.repo = repo;
    this.engine = engine;
    this.pool = pool;
    this.props = props;
    this.routes = routes;
  }

  /** Sites the caller sees: all of them for admins, their own for others. */
  public List<Site> list(Caller caller) {
    return caller.admin() ? repo.all() : repo.ownedBy(caller.user());
  }

  /** One site the caller may see; another user's site is "not found", as if it did not exist. */
  public Site get(Caller caller, String rawName) {
    SiteName name = SiteName.of(rawName);
    Site s = repo.find(name).orElseThrow(() -> SiteException.notFound(rawName));
    if (!caller.admin() && !s.owner().equals(caller.user())) {
      throw SiteException.notFound(rawName);
    }
    return s;
  }

  /** The plan new sites get when none is named. */
  public static final String DEFAULT_PLAN = "medium";

  /** Creates a stopped site on the default plan. */
  public Site create(Caller caller, String rawName) {
    return create(caller, rawName, null, null);
  }

  /** The image new sites get when none is named. */
  public static final String DEFAULT_IMAGE = StaticImage.NAME;

  /**
   * Creates a stopped site with its own address and starter page, on {@code planName} and {@code imageName} (null:
   * the defaults). The image need not be built yet: the site gets its current version at each start.
   */
  public Site create(Caller caller, String rawName, String planName, String imageName) {
    SiteName name = SiteName.of(rawName);
    String plan = plan(planName == null || planName.isBlank() ? DEFAULT_PLAN : planName).name();
    String image = images.forCreate(imageName == null || imageName.isBlank() ? DEFAULT_IMAGE : imageName).name();
    return locked(name, () -> {
      if (repo.find(name).isPresent()) {
        throw SiteException.taken(rawName);
      }
      Instant now = Instant.now();
      Site site = null;
      for (int attempt = 0; site == null; attempt++) {
        String address = pool.lowestFree(repo.addresses()).orElseThrow(() -> SiteException.networkFull(pool.subnet().capacity()));
        Site candidate = Site.created(name, caller.user(), address, image, plan, now);
        try {
          repo.insert(candidate);
          site = candidate;
        } catch (org.springframework.dao.DataIntegrityViolationException e) {
          if (!(e instanceof DuplicateKeyException)) {
            plan(plan); // the plan or image was deleted meanwhile: a 400 that names it
            images.forCreate(image);
            throw e;
          }
          if (repo.find(name).isPresent()) {
            throw SiteException.taken(rawName);
          }
          if (attempt > 5) {
            throw e;
          }
        }
      }
      try {
        engine.prepare(spec(site));
      } catch (RuntimeException e) {
        try {
          engine.remove(spec(site));
          repo.delete(name);
        } catch (RuntimeException undo) {
          e.addSuppressed(undo);
        }
        throw SiteException.failed("create", site, e);
      }
      repo.setState(name, SiteState.STOPPED, null);
      routes.refresh();
      certificates.siteCreated(props.hostname(name.value()));
      log.info("site {} created for {} at {}", name, caller.user(), site.ipv4());
      return repo.find(name).orElseThrow();
    });
  }

  /** Starts the site; when this returns it answers through the edge. Starting a running site does nothing. */
  public Site start(Caller caller, String rawName) {
    return locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      if (s.state() == SiteState.RUNNING && engine.isRunning(s.name())) {
        return s;
      }
      if (s.state() != SiteState.STOPPED && s.state() != SiteState.RUNNING && s.state() != SiteState.SLEEPING) {
        throw SiteException.busy(s);
      }
      try {
        images.holdingVersions(() -> {
          SiteSpec spec = startSpec(s);
          repo.setState(s.name(), SiteState.STARTING, null);
          engine.start(spec);
          return null;
        });
      } catch (SiteException e) {
        throw e;
      } catch (RuntimeException e) {
        repo.setState(s.name(), SiteState.STOPPED, truncate(e.getMessage()));
        routes.refresh();
        throw SiteException.failed("start", s, e);
      }
      repo.setState(s.name(), SiteState.RUNNING, null);
      routes.refresh();
      log.info("site {} started", s.name());
      return repo.find(s.name()).orElseThrow();
    });
  }

  /** Stops the site: SIGTERM, then SIGKILL after the grace period. Stopping a stopped site does nothing. */
  public Site stop(Caller caller, String rawName) {
    return locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      if (s.state() == SiteState.STOPPED) {
        return s;
      }
      if (s.state() == SiteState.SLEEPING) { // nothing runs: it just will not wake up any more
        repo.setState(s.name(), SiteState.STOPPED, null);
        routes.refresh();
        return repo.find(s.name()).orElseThrow();
      }
      if (s.state() != SiteState.RUNNING) {
        throw SiteException.busy(s);
      }
      repo.setState(s.name(), SiteState.STOPPING, null);
      routes.refresh();
      try {
        engine.stop(spec(s), props.engine().stopGrace());
      } catch (RuntimeException e) {
        repo.setState(s.name(), engine.isRunning(s.name()) ? SiteState.RUNNING : SiteState.STOPPED, truncate(e.getMessage()));
        routes.refresh();
        throw SiteException.failed("stop", s, e);
      }
      repo.setState(s.name(), SiteState.STOPPED, null);
      routes.refresh();
      log.info("site {} stopped", s.name());
      collectImage(s);
      return repo.find(s.name()).orElseThrow();
    });
  }

  /** Deletes the site and everything it had on the host; its address becomes free. */
  public void delete(Caller caller, String rawName) {
    locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      if (s.state().busy()) {
        throw SiteException.busy(s);
      }
      repo.setState(s.name(), SiteState.DELETING, null);
      routes.refresh();
      try {
        engine.remove(spec(s));
      } catch (RuntimeException e) {
        // What is left is removed by the next delete, which may be retried at once.
        repo.setState(s.name(), engine.isRunning(s.name()) ? SiteState.RUNNING : SiteState.STOPPED, truncate(e.getMessage()));
        routes.refresh();
        throw SiteException.failed("delete", s, e);
      }
      repo.delete(s.name());
      accessLogs.remove(s.name());
      routes.refresh();
      log.info("site {} deleted", s.name());
      collectImage(s);
      return null;
    });
  }

  /** Where a plan change took effect: at once on the running container, or at the site's next start (and why). */
  public record PlanChange(Site site, String applied, String reason) {}

  /**
   * Moves a site to another plan. A running site gets the new CPU, memory and process limits at once (runc
   * update); when the kernel refuses (memory below what the site uses now, say) or the site is stopped, they
   * take effect at its next start.
   */
  public PlanChange changePlan(Caller caller, String rawName, String planName) {
    dev.pier.server.plan.Plan plan = plan(planName);
    return locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      if (s.state().busy()) {
        throw SiteException.busy(s);
      }
      repo.setPlan(s.name(), plan.name());
      Site updated = repo.find(s.name()).orElseThrow();
      PlanChange change = applyPlan(updated);
      routes.refresh(); // outbound access follows the plan at once
      return change;
    });
  }

  /** Applies the site's recorded plan to its running container, if it runs. Call holding the site's lock. */
  PlanChange applyPlan(Site s) {
    if (s.state() != SiteState.RUNNING) {
      return new PlanChange(s, "next-start", "the site is not running");
    }
    try {
      if (!engine.updateLimits(spec(s))) {
        return new PlanChange(s, "next-start", "the site's container is not running");
      }
      log.info("site {}: plan {} applied to its running container", s.name(), s.plan());
      return new PlanChange(s, "now", null);
    } catch (RuntimeException e) {
      log.info("site {}: plan {} takes effect at its next start: {}", s.name(), s.plan(), e.getMessage());
      return new PlanChange(s, "next-start", "the running container refused the new limits: " + e.getMessage());
    }
  }

  /** The restart policy of that name, or a 400 listing the policies. */
  public RestartPolicy checkRestartPolicy(String policyWord) {
    try {
      return RestartPolicy.of(policyWord);
    } catch (IllegalArgumentException e) {
      throw new SiteException(org.springframework.http.HttpStatus.BAD_REQUEST, "Invalid restart policy", e.getMessage(), e);
    }
  }

  /** Sets what happens when the site's container exits by itself. */
  public Site changeRestartPolicy(Caller caller, String rawName, String policyWord) {
    RestartPolicy policy = checkRestartPolicy(policyWord);
    return locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      repo.setRestartPolicy(s.name(), policy);
      return repo.find(s.name()).orElseThrow();
    });
  }

  /** Re-applies a changed plan to every running site on it. */
  public void planChanged(String planName) {
    for (Site s : repo.onPlan(planName)) {
      locked(s.name(), () -> applyPlan(repo.find(s.name()).orElse(s)));
    }
    routes.refresh();
  }

  private dev.pier.server.plan.Plan plan(String name) {
    return plans.find(name == null ? "" : name).orElseThrow(() -> new SiteException(org.springframework.http.HttpStatus.BAD_REQUEST,
        "Unknown plan", "plan \"" + name + "\" does not exist: choose one of "
            + String.join(", ", plans.all().stream().map(dev.pier.server.plan.Plan::name).toList()), null));
  }

  /** A site's resource use now and over the last hour. */
  public record UsageReport(UsageSampler.Sample now, long diskBytes, Limits limits, java.util.List<UsageSampler.Sample> lastHour) {}

  public UsageReport usage(Caller caller, String rawName, UsageSampler sampler) {
    return locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      UsageSampler.Sample now = sampler.peek(s.name(), Instant.now()).orElse(null);
      return new UsageReport(now, engine.diskUsage(s.name()), limits(s), sampler.history(s.name()));
    });
  }

  /** The most a log request returns. */
  public static final int MAX_LOG_BYTES = 1 << 20;

  /** The end of what the site's container printed, up to {@code bytes} bytes. */
  public String log(Caller caller, String rawName, int bytes) {
    if (bytes < 1 || bytes > MAX_LOG_BYTES) {
      throw new SiteException(org.springframework.http.HttpStatus.BAD_REQUEST, "Invalid size",
          "bytes=" + bytes + " is out of range: ask for 1 to " + MAX_LOG_BYTES, null);
    }
    return locked(SiteName.of(rawName), () -> engine.readLog(get(caller, rawName).name(), bytes));
  }

  /** The end of the site's access log: what the edge served it (the caller must see the site). */
  public String accessLog(Caller caller, String rawName, int bytes, dev.pier.server.accesslog.AccessLogs logs) {
    if (bytes < 1 || bytes > MAX_LOG_BYTES) {
      throw new SiteException(org.springframework.http.HttpStatus.BAD_REQUEST, "Invalid size",
          "bytes=" + bytes + " is out of range: ask for 1 to " + MAX_LOG_BYTES, null);
    }
    return logs.read(get(caller, rawName).name(), bytes);
  }

  /** The engine's view of a site, on the image version it last started on. */
  SiteSpec spec(Site s) {
    long disk = plans.find(s.plan()).map(dev.pier.server.plan.Plan::diskBytes).orElse(SiteSpec.DEFAULT_DISK);
    dev.pier.engine.image.ImageRef image = s.image().equals(StaticImage.NAME) ? dev.pier.engine.image.ImageRef.STATIC
        : new dev.pier.engine.image.ImageRef(s.image(), s.imageVersion() == null ? "" : s.imageVersion(), images.php(s.image()));
    boolean outbound = plans.find(s.plan()).map(dev.pier.server.plan.Plan::outbound).orElse(false);
    return new SiteSpec(s.name(), props.hostname(s.name().value()), s.ipv4(), limits(s), disk, image, outbound);
  }

  /**
   * The spec of a site about to start: on its image's current version, which is recorded as the one it runs.
   * Call it holding {@link dev.pier.server.image.ImageService#holdingVersions}. Throws a 409 when the image is
   * not built yet.
   */
  SiteSpec startSpec(Site s) {
    dev.pier.engine.image.ImageRef ref = images.forStart(s.image());
    if (!ref.isStatic()) {
      repo.setImageVersion(s.name(), ref.version());
    }
    return spec(s).withImage(ref);
  }

  /** After a site stopped or went: the image version it ran on may be unused now. */
  void collectImage(Site s) {
    try {
      images.collect(s.image());
    } catch (RuntimeException e) {
      log.warn("image {}: could not remove unused versions: {}", s.image(), e.getMessage());
    }
  }

  /** The largest request body a site may set: 4 GiB. */
  public static final long MAX_BODY_LIMIT = 4L << 30;

  /**
   * Changes how the edge serves the site; null leaves a setting as it is ({@code maxBodyBytes} 0: back to the
   * edge's default). Takes effect at once.
   */
  public Site changeWeb(Caller caller, String rawName, Boolean httpsOnly, Boolean hsts, Long maxBodyBytes) {
    return changeWeb(caller, rawName, httpsOnly, hsts, maxBodyBytes, false, null);
  }

  /** The shortest idle time before a site sleeps. */
  public static final int MIN_SLEEP_AFTER = 1;

  /**
   * The same, and when {@code changeSleep}: the idle time after which the site sleeps ({@code sleepAfterSeconds},
   * null: never).
   */
  public Site changeWeb(Caller caller, String rawName, Boolean httpsOnly, Boolean hsts, Long maxBodyBytes, boolean changeSleep,
      Integer sleepAfterSeconds) {
    if (changeSleep && sleepAfterSeconds != null && sleepAfterSeconds < MIN_SLEEP_AFTER) {
      throw new SiteException(org.springframework.http.HttpStatus.BAD_REQUEST, "Invalid sleep time",
          "sleepAfterSeconds=" + sleepAfterSeconds + " is out of range: give " + MIN_SLEEP_AFTER + " or more seconds, or null for never", null);
    }
    if (maxBodyBytes != null && (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_LIMIT)) {
      throw new SiteException(org.springframework.http.HttpStatus.BAD_REQUEST, "Invalid body limit",
          "maxBodyBytes=" + maxBodyBytes + " is out of range: give 1 to " + MAX_BODY_LIMIT + " bytes, or 0 for the default", null);
    }
    return locked(SiteName.of(rawName), () -> {
      Site s = get(caller, rawName);
      Site.Web w = s.web();
      Site.Web next = new Site.Web(httpsOnly == null ? w.httpsOnly() : httpsOnly, hsts == null ? w.hsts() : hsts,
          maxBodyBytes == null ? w.maxBodyBytes() : maxBodyBytes == 0 ? null : maxBodyBytes,
          changeSleep ? sleepAfterSeconds : w.sleepAfterSeconds());
      repo.setWeb(s.name(), next);
      routes.refresh();
      return repo.find(s.name()).orElseThrow();
    });
  }

  /**
   * Puts a running site that has been idle to sleep: its container is stopped and the next request through the
   * edge starts it again. Nothing when the site is not running any more.
   */
  void sleep(SiteName name) {
    locked(name, () -> {
      Site s = repo.find(name).orElse(null);
      if (s == null || s.state() != SiteState.RUNNING) {
        return null;
      }
      repo.setState(name, SiteState.STOPPING, null);
      routes.refresh();
      try {
        engine.stop(spec(s), props.engine().stopGrace());
        repo.setState(name, SiteState.SLEEPING, null);
        log.info("site {} is asleep (idle for {} s)", name, s.web().sleepAfterSeconds());
      } catch (RuntimeException e) {
        repo.setState(name, engine.isRunning(name) ? SiteState.RUNNING : SiteState.STOPPED, truncate("could not put it to sleep: " + e.getMessage()));
      }
      routes.refresh();
      collectImage(s);
      return null;
    });
  }

  private final ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<Void>> waking = new ConcurrentHashMap<>();

  /**
   * Wakes a sleeping site for the edge: starts it on a thread of its own and completes once it runs and routes
   * to it. Requests that arrive meanwhile share the same future.
   */
  public java.util.concurrent.CompletableFuture<Void> wake(String rawName) {
    java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Void> under = waking.putIfAbsent(rawName, f);
    if (under != null) {
      return under; // a wake is under way: wait for the same one
    }
    String n = rawName;
    {
      Thread.ofVirtual().name("wake-" + n).start(() -> {
        try {
          SiteName name = SiteName.of(n);
          locked(name, () -> {
            Site s = repo.find(name).orElseThrow(() -> SiteException.notFound(n));
            if (s.state() == SiteState.SLEEPING) {
              repo.setState(name, SiteState.STARTING, null);
              try {
                images.holdingVersions(() -> {
                  engine.start(startSpec(s));
                  return null;
                });
              } catch (RuntimeException e) {
                repo.setState(name, SiteState.SLEEPING, truncate("could not wake it: " + e.getMessage()));
                routes.refresh();
                throw e;
              }
              repo.setState(name, SiteState.RUNNING, null);
              routes.refresh();
              log.info("site {} woke up for a request", name);
            } else if (s.state() != SiteState.RUNNING) {
              throw new IllegalStateException("site " + n + " is " + s.state().name().toLowerCase());
            }
            return null;
          });
          f.complete(null);
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
        } finally {
          waking.remove(n, f);
        }
      });
      return f;
    }
  }

  /** Drops every image's versions that no site runs any more. */
  void collectImages() {
    try {
      images.collectAll();
    } catch (RuntimeException e) {
      log.warn("could not remove unused image versions: {}", e.getMessage());
    }
  }

  /** Starts a site from the supervisor or the reconciler (no caller, no state checks). */
  void startForRecovery(Site s) {
    images.holdingVersions(() -> {
      engine.start(startSpec(s));
      return null;
    });
  }

  /** The limits of the site's plan; the defaults if the plan row is gone (plans in use cannot be deleted). */
  Limits limits(Site s) {
    return plans.find(s.plan()).map(dev.pier.server.plan.Plan::limits).orElse(Limits.DEFAULT);
  }

  /** Runs {@code work} holding the site's lock. */
  <T> T locked(SiteName name, Supplier<T> work) {
    ReentrantLock lock = locks.computeIfAbsent(name.value(), k -> new ReentrantLock());
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  static String truncate(String s) {
    return s == null ? null : s.length() > 1900 ? s.substring(0, 1900) + "..." : s;
  }
}
