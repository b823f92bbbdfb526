package dev.pier.server.usage;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.limits.Usage;
import dev.pier.engine.site.SiteName;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import dev.pier.server.site.SiteState;
import dev.pier.server.site.SiteUsage;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Samples every running site's CPU, memory and processes from its cgroup and the space used on its own disk,
 * and keeps the last hour of samples in the database, so a restart of Pier loses none.
 */
@Component
public class UsageSampler implements SiteUsage {

  /** One sample: CPU as a share of one core over the interval before it (null for the first). */
  public record Sample(Instant at, Double cpuCores, long memoryBytes, long processes, long diskBytes) {}

  static final Duration KEPT = Duration.ofHours(1);
  /** An hour of samples at one a second, the shortest interval that makes sense. */
  static final int MAX_SAMPLES = 3600;

  private record Raw(Instant at, Usage usage) {}

  private final SiteRepository repo;
  private final SiteEngine engine;
  private final Map<String, Raw> last = new ConcurrentHashMap<>();
  private final JdbcTemplate jdbc;

  UsageSampler(SiteRepository repo, SiteEngine engine, JdbcTemplate jdbc) {
    this.repo = repo;
    this.engine = engine;
    this.jdbc = jdbc;
  }

  @Scheduled(fixedDelayString = "${pier.engine.usage-interval}", initialDelayString = "${pier.engine.usage-interval}")
  void sample() {
    Instant now = Instant.now();
    Set<String> names = new HashSet<>();
    List<Object[]> rows = new ArrayList<>();
    for (Site s : repo.all()) {
      names.add(s.name().value());
      try {
        if (s.state() == SiteState.RUNNING) {
          take(s.name(), now).ifPresent(x -> rows.add(row(s.name(), x)));
        } else {
          last.remove(s.name().value());
        }
      } catch (RuntimeException e) {
        // a cgroup that vanished while being read: the next round tries again
      }
    }
    if (!rows.isEmpty()) {
      jdbc.batchUpdate(INSERT, rows);
    }
    jdbc.update("DELETE FROM usage_samples WHERE at < ?", Timestamp.from(now.minus(KEPT)));
    jdbc.update("DELETE FROM usage_samples WHERE site NOT IN (SELECT name FROM sites)");
    last.keySet().retainAll(names);
  }

  private static final String INSERT =
      "INSERT INTO usage_samples (site, at, cpu_cores, memory_bytes, processes, disk_bytes) VALUES (?, ?, ?, ?, ?, ?)";

  private static Object[] row(SiteName name, Sample x) {
    return new Object[] {name.value(), Timestamp.from(x.at()), x.cpuCores(), x.memoryBytes(), x.processes(), x.diskBytes()};
  }

  /** What the site uses now, with CPU since the last recorded sample; records nothing. Empty when it does not run. */
  public Optional<Sample> peek(SiteName name, Instant now) {
    return engine.usage(name).map(u -> new Sample(now, cpuCores(last.get(name.value()), now, u), u.memoryBytes(), u.processes(),
        engine.diskUsage(name)));
  }

  /** Reads one site's usage now (CPU against the previous reading), without storing it. */
  private Optional<Sample> take(SiteName name, Instant now) {
    Optional<Usage> usage = engine.usage(name);
    if (usage.isEmpty()) {
      last.remove(name.value());
      return Optional.empty();
    }
    Raw previous = last.put(name.value(), new Raw(now, usage.get()));
    return Optional.of(new Sample(now, cpuCores(previous, now, usage.get()), usage.get().memoryBytes(), usage.get().processes(),
        engine.diskUsage(name)));
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
    return jdbc.query("SELECT at, cpu_cores, memory_bytes, processes, disk_bytes FROM usage_samples WHERE site = ? AND at >= ?"
            + " ORDER BY at DESC FETCH FIRST " + MAX_SAMPLES + " ROWS ONLY",
        (rs, i) -> new Sample(rs.getTimestamp(1).toInstant(), (Double) rs.getObject(2, Double.class), rs.getLong(3), rs.getLong(4), rs.getLong(5)),
        name.value(), Timestamp.from(Instant.now().minus(KEPT))).reversed();
  }

  @Override
  public String summary(SiteName name) {
    List<Sample> samples = history(name);
    if (samples.isEmpty()) {
      return "";
    }
    Sample last = samples.getLast();
    String text = String.format(Locale.ROOT, "%.1f MiB, %d processes", last.memoryBytes() / 1048576.0, last.processes());
    return last.cpuCores() == null ? text : text + String.format(Locale.ROOT, ", %.1f%% CPU", last.cpuCores() * 100);
  }
}
