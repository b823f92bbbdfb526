package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * One lock per site: its worker holds it while it brings the site to its wish, and a change of the site's settings
 * holds it while it applies them, so the two never interleave. Different sites never wait on each other.
 */
@Component
class SiteLocks {

  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();

  /** Runs {@code work} holding the site's lock; the site's {@link #generation} counts it, as it may change the site. */
  <T> T locked(SiteName name, Supplier<T> work) {
    ReentrantLock lock = locks.computeIfAbsent(name.value(), k -> new ReentrantLock());
    lock.lock();
    try {
      return work.get();
    } finally {
      generations.computeIfAbsent(name.value(), k -> new AtomicLong()).incrementAndGet();
      lock.unlock();
    }
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
}
