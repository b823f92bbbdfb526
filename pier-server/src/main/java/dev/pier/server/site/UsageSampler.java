package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.limits.Usage;
import dev.pier.engine.site.SiteName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Samples every running site's CPU, memory and processes from its cgroup, and keeps the last hour of samples
 * in memory (they are not kept across restarts of Pier).
 */
@Component
public class UsageSampler {

  /** One sample: CPU as a share of one core over the interval before it (null for the first). */
  public record Sample(Instant at, Double cpuCores, long memoryBytes, long processes) {}

  static final Duration KEPT = Duration.ofHours(1);
  /** An hour of samples at one a second, the shortest interval that makes sense. */
  static final int MAX_SAMPLES = 3600;

  private record Raw(Instant at, Usage usage) {}

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final Map<String, Deque<Sample>> history = new ConcurrentHashMap<>();
  private final Map<String, Raw> last = new ConcurrentHashMap<>();

  UsageSampler(SiteRepository repo, SiteEngine engine) {
    this.repo = repo;
    this.engine = engine;
  }

  @Scheduled(fixedDelayString = "${pier.engine.usage-interval}", initialDelayString = "${pier.engine.usage-interval}")
  void sample() {
    Instant now = Instant.now();
    Set<String> names = new HashSet<>();
    for (Site s : repo.all()) {
      names.add(s.name().value());
      try {
        if (s.state() == SiteState.RUNNING) {
          sampleNow(s.name(), now);
        } else {
          last.remove(s.name().value());
        }
      } catch (RuntimeException e) {
        // a cgroup that vanished while being read: the next round tries again
      }
    }
    history.keySet().retainAll(names);
    last.keySet().retainAll(names);
  }

  /** What the site uses now, with CPU since the last recorded sample; records nothing. Empty when it does not run. */
  public Optional<Sample> peek(SiteName name, Instant now) {
    return engine.usage(name).map(u -> new Sample(now, cpuCores(last.get(name.value()), now, u), u.memoryBytes(), u.processes()));
  }

  /** Takes a sample of one site now, records it, and returns it; empty when the site does not run. */
  Optional<Sample> sampleNow(SiteName name, Instant now) {
    Optional<Usage> usage = engine.usage(name);
    if (usage.isEmpty()) {
      last.remove(name.value());
      return Optional.empty();
    }
    Raw previous = last.put(name.value(), new Raw(now, usage.get()));
    Sample sample = new Sample(now, cpuCores(previous, now, usage.get()), usage.get().memoryBytes(), usage.get().processes());
    Deque<Sample> h = history.computeIfAbsent(name.value(), k -> new ArrayDeque<>());
    synchronized (h) {
      h.addLast(sample);
      while (!h.isEmpty() && (h.peekFirst().at().isBefore(now.minus(KEPT)) || h.size() > MAX_SAMPLES)) {
        h.removeFirst();
      }
    }
    return Optional.of(sample);
  }

  /** CPU used between two readings, in cores. Pure. */
  static Double cpuCores(Raw previous, Instant now, Usage usage) {
    if (previous == null || usage.cpuNanos() < previous.usage().cpuNanos()) {
      return null;
    }
    long wall = Duration.between(previous.at(), now).toNanos();
    return wall <= 0 ? null : (double) (usage.cpuNanos() - previous.usage().cpuNanos()) / wall;
  }

  /** The samples of the last hour, oldest first. */
  public List<Sample> history(SiteName name) {
    Deque<Sample> h = history.get(name.value());
    if (h == null) {
      return List.of();
    }
    synchronized (h) {
      return new ArrayList<>(h);
    }
  }
}
