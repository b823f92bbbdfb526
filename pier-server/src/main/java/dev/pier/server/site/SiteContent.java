package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.content.Releases;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The one way into a site's content (its releases, its live files) for the features that change it: publishing,
 * the file manager, SFTP, git. Checks that the caller may see the site, then holds the site's lock (no start, stop
 * or other change of its content runs meanwhile) with the site's file system mounted, in whatever state it is.
 */
@Component
public class SiteContent {

  private final SiteRepository repo;
  private final SiteLocks locks;
  private final SiteSpecs specs;
  private final SiteEngine engine;
  private final Map<String, Long> lingering = new ConcurrentHashMap<>();
  private final Map<String, Read> rows = new ConcurrentHashMap<>();
  /** How long a site's row read for a content call serves the next ones at most. */
  static final Duration FRESH = Duration.ofSeconds(2);

  private record Read(Site site, long generation, long at) {}

  /** How long a stopped site's file system stays mounted after a call on its content. */
  static final Duration LINGER = Duration.ofSeconds(10);

  SiteContent(SiteRepository repo, SiteLocks locks, SiteSpecs specs, SiteEngine engine) {
    this.repo = repo;
    this.locks = locks;
    this.specs = specs;
    this.engine = engine;
  }

  /** Runs {@code work} on the content of site {@code rawName}, which the caller may see. */
  public <T> T with(Caller caller, String rawName, BiFunction<Site, Releases, T> work) {
    SiteName name = SiteName.of(rawName);
    return locks.lockedReading(name, () -> {
      Site s = read(name).filter(found -> caller.admin() || found.owner().equals(caller.user()))
          .orElseThrow(() -> SiteErrors.notFound(rawName));
      if (s.state() == SiteState.DELETING || s.wish() == SiteWish.DELETED) {
        throw SiteErrors.deleting(s.name());
      }
      if (s.state() == SiteState.CREATING) {
        throw SiteErrors.busy(s.name(), "is being created");
      }
      boolean running = switch (s.state()) {
        case RUNNING -> true;
        case STOPPED, SLEEPING -> false;
        default -> engine.isRunning(s.name()); // an intent a crash left: ask the host
      };
      try {
        return engine.contents().with(s.name(), () -> specs.spec(s), running, r -> work.apply(s, r));
      } finally {
        if (!running) {
          lingering.put(s.name().value(), System.nanoTime()); // mounted now, whether the work succeeded or not
        }
      }
    });
  }

  /**
   * Keeps {@code open}, opened on the site's file system by work in {@link #with}, open after that work, so that the
   * next calls on it need no path walk and no open again (an SFTP transfer writes a file in many requests). It is
   * closed by {@link #close(Kept)}, or before the next start, stop or other change of the site, or before another
   * release goes live ({@link #closeKept}); then {@link #whileKept} runs nothing. Called inside {@link #with}.
   */
  public Kept keep(String site, Closeable open) {
    return locks.keep(SiteName.of(site), open);
  }

  /**
   * Runs {@code work} under the site's lock while {@code k} is still open, and returns what it returns; null, with
   * nothing run, once {@code k} was closed: the caller then starts again with {@link #with}.
   */
  public <T> T whileKept(Kept k, Supplier<T> work) {
    return locks.whileKept(k, () -> {
      lingering.computeIfPresent(k.site().value(), (name, at) -> System.nanoTime()); // a stopped site's mount is still in use
      return work.get();
    });
  }

  /** Closes {@code k}; nothing if it was closed. */
  public void close(Kept k) {
    locks.close(k);
  }

  /** Closes what is kept open on the site's live files: before another release goes live. Called inside {@link #with}. */
  public void closeKept(SiteName name) {
    locks.closeKept(name);
  }

  /**
   * The site's row, read again only when work that may change it held its lock since, or after {@link #FRESH}:
   * SFTP makes a call per request, and a query each would cost a third of its time. Under the site's lock the
   * state does not change; the wish, written outside it, may be up to {@link #FRESH} old here, which only lets a
   * change of content run before a delete that waits for the lock anyway.
   */
  private Optional<Site> read(SiteName name) {
    long generation = locks.generation(name);
    long now = System.nanoTime();
    Read r = rows.get(name.value());
    if (r != null && r.generation() == generation && now - r.at() < FRESH.toNanos()) {
      return Optional.of(r.site());
    }
    Optional<Site> s = repo.find(name);
    s.ifPresentOrElse(found -> rows.put(name.value(), new Read(found, generation, now)), () -> rows.remove(name.value()));
    return s;
  }

  /**
   * Unmounts a stopped site's file system left mounted for the next content call, at once; the caller holds the
   * site's lock. Returns whether there was one: a reconciliation then knows the mount was no leftover.
   */
  boolean releaseIfLingering(SiteName name) {
    if (lingering.remove(name.value()) == null) {
      return false;
    }
    engine.contents().release(name);
    return true;
  }

  /**
   * Unmounts the file systems of stopped sites whose content nobody touched for {@link #LINGER}: kept mounted that
   * long so that a run of calls (an SFTP upload) mounts once, not once per call.
   */
  @Scheduled(fixedDelay = 5, timeUnit = TimeUnit.SECONDS)
  void releaseIdle() {
    long now = System.nanoTime();
    for (var e : lingering.entrySet()) {
      if (now - e.getValue() < LINGER.toNanos()) {
        continue;
      }
      SiteName name = SiteName.of(e.getKey());
      locks.locked(name, () -> {
        Long last = lingering.get(name.value());
        if (last != null && System.nanoTime() - last >= LINGER.toNanos()) {
          lingering.remove(name.value());
          engine.contents().release(name);
        }
        return null;
      });
    }
  }
}
