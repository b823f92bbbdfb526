package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * One lock per site: its worker holds it while it brings the site to its wish, and a change of the site's settings
 * holds it while it applies them, so the two never interleave. Different sites never wait on each other.
 *
 * <p>Work that may change the site ({@link #locked}) first closes what was kept open on the site's file system
 * between two calls ({@link #keep}: an SFTP transfer's file), so that nothing stands in the way of an unmount and
 * nothing keeps writing where the site no longer is.
 */
@Component
class SiteLocks {

  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<Kept>> kept = new ConcurrentHashMap<>();

  /** Runs {@code work} holding the site's lock; the site's {@link #generation} counts it, as it may change the site. */
  <T> T locked(SiteName name, Supplier<T> work) {
    return lockedReading(name, () -> {
      try {
        closeKept(name);
        return work.get();
      } finally {
        generations.computeIfAbsent(name.value(), k -> new AtomicLong()).incrementAndGet();
      }
    });
  }

  /** Runs {@code work} holding the site's lock, for work that changes nothing of the site's row. */
  <T> T lockedReading(SiteName name, Supplier<T> work) {
    ReentrantLock lock = locks.computeIfAbsent(name.value(), k -> new ReentrantLock());
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  /** How many times work that may change the site held its lock: a row read at one generation holds until the next. */
  long generation(SiteName name) {
    return generations.computeIfAbsent(name.value(), k -> new AtomicLong()).get();
  }

  /**
   * Keeps {@code open}, opened on the site's file system by work holding its lock, open after that work: until
   * {@link #close(Kept)}, or until the next work that may change the site, which closes it first. The caller holds the
   * site's lock.
   */
  Kept keep(SiteName name, Closeable open) {
    check(name);
    Kept k = new Kept(name, open);
    kept.computeIfAbsent(name.value(), x -> ConcurrentHashMap.newKeySet()).add(k);
    return k;
  }

  /** Runs {@code work} holding the site's lock if {@code k} is still open; null (and nothing run) if it was closed. */
  <T> T whileKept(Kept k, Supplier<T> work) {
    return lockedReading(k.site(), () -> k.closed() ? null : work.get());
  }

  /** Closes {@code k} (nothing if it was closed). */
  void close(Kept k) {
    Set<Kept> of = kept.get(k.site().value());
    if (of != null) {
      of.remove(k);
    }
    closeQuietly(k);
  }

  /**
   * Closes everything kept open on the site's file system: before work that may unmount it, or that changes which
   * release is live. The caller holds the site's lock.
   */
  void closeKept(SiteName name) {
    check(name);
    Set<Kept> of = kept.remove(name.value());
    if (of != null) {
      of.forEach(SiteLocks::closeQuietly);
    }
  }

  private static void closeQuietly(Kept k) {
    try {
      k.close();
    } catch (IOException ignored) {
      // a file opened for reading or writing in place: nothing is lost when its close fails
    }
  }

  private void check(SiteName name) {
    ReentrantLock lock = locks.get(name.value());
    if (lock == null || !lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("the lock of site " + name + " is not held");
    }
  }
}
