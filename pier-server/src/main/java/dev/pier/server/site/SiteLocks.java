package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.util.concurrent.ConcurrentHashMap;
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
}
