package dev.pier.server.site;

import dev.pier.server.common.Caller;
import dev.pier.server.common.Grantee;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.config.PierProperties;
import dev.pier.server.plan.Plan;
import dev.pier.server.plan.PlanGrants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What users may take of the host, checked before a site is created or moved to another plan: the plan must be
 * granted to them ({@link PlanGrants}); their {@link Quota} (sites, disk promised in all, creations a day) must hold;
 * and no site, an admin's included, may over-commit the host's data disk: the disk all sites' plans promise stays
 * within {@code pier.quota.disk-overcommit} times its size. Admins have no quota. Checks and the change they admit run
 * one at a time ({@link #admitting}), so that two requests at once cannot both take the last site.
 */
@Component
public class Quotas {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final JdbcClient jdbc;
  private final PlanGrants grants;
  private final Path dataDir;
  private final double overcommit;
  private final ReentrantLock admission = new ReentrantLock();

  @Autowired
  Quotas(JdbcClient jdbc, PlanGrants grants, PierProperties props, @Value("${pier.quota.disk-overcommit:2.0}") double overcommit) {
    this(jdbc, grants, props.dataDir(), overcommit);
  }

  Quotas(JdbcClient jdbc, PlanGrants grants, Path dataDir, double overcommit) {
    if (!(overcommit > 0)) {
      throw new IllegalArgumentException("pier.quota.disk-overcommit " + overcommit + " is not a ratio: give a number above 0, such as 2.0");
    }
    this.jdbc = jdbc;
    this.grants = grants;
    this.dataDir = dataDir;
    this.overcommit = overcommit;
  }

  /** What a user has now, against their quota. */
  public record Usage(int sites, long diskBytes, int createdToday) {}

  /** Whether this thread holds the admission ({@link #admitting}). */
  boolean admitted() {
    return admission.isHeldByCurrentThread();
  }

  /** Runs a change that {@code check} admits, one at a time with every other such change. */
  <T> T admitting(Runnable check, Supplier<T> change) {
    admission.lock();
    try {
      check.run();
      return change.get();
    } finally {
      admission.unlock();
    }
  }

  /** The quota {@code caller} has; empty for admins (no limit) or where no row applies. */
  public Optional<Quota> of(Caller caller) {
    if (caller.admin()) {
      return Optional.empty();
    }
    Map<String, Quota> rows = all();
    List<Grantee> grantees = caller.grantees(); // (without the user, when their name is one no grant can name)
    Quota own = grantees.getFirst().value().startsWith("user:") ? rows.get(grantees.getFirst().value()) : null;
    if (own != null) {
      return Optional.of(own);
    }
    Quota best = null;
    for (Grantee g : grantees) {
      Quota q = g.value().startsWith("group:") ? rows.get(g.value()) : null;
      best = q == null ? best : best == null ? q : best.orMore(q);
    }
    return Optional.ofNullable(best != null ? best : rows.get(Grantee.EVERYONE.value()));
  }

  /** Every quota row, by grantee. */
  public Map<String, Quota> all() {
    Map<String, Quota> rows = new LinkedHashMap<>();
    jdbc.sql("SELECT * FROM quotas ORDER BY grantee").query((rs, i) -> rows.put(rs.getString("grantee"),
        new Quota(rs.getInt("max_sites"), rs.getLong("max_disk_bytes"), rs.getInt("max_creates_per_day")))).list();
    return rows;
  }

  /** Sets the quota of {@code grantee} (admins only). */
  public void set(Caller caller, Grantee grantee, Quota quota) {
    requireAdmin(caller);
    if (jdbc.sql("UPDATE quotas SET max_sites = ?, max_disk_bytes = ?, max_creates_per_day = ? WHERE grantee = ?")
        .params(quota.maxSites(), quota.maxDiskBytes(), quota.maxCreatesPerDay(), grantee.value()).update() == 0) {
      jdbc.sql("INSERT INTO quotas (grantee, max_sites, max_disk_bytes, max_creates_per_day) VALUES (?, ?, ?, ?)")
          .params(grantee.value(), quota.maxSites(), quota.maxDiskBytes(), quota.maxCreatesPerDay()).update();
    }
  }

  /** Removes the quota of {@code grantee} (admins only); whether there was one. */
  public boolean remove(Caller caller, Grantee grantee) {
    requireAdmin(caller);
    return jdbc.sql("DELETE FROM quotas WHERE grantee = ?").param(grantee.value()).update() > 0;
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.admin()) {
      throw PierException.forbidden("Admins only", "only admins set quotas");
    }
  }

  /** What {@code owner} has now. */
  public Usage usage(String owner) {
    return new Usage(sites(owner), disk(owner), createdToday(owner).size());
  }

  private int sites(String owner) {
    return jdbc.sql("SELECT COUNT(*) FROM sites WHERE owner = ?").param(owner).query(Integer.class).single();
  }

  /** The disk the plans of {@code owner}'s sites promise. */
  private long disk(String owner) {
    return jdbc.sql("SELECT COALESCE(SUM(p.disk_bytes), 0) FROM sites s JOIN plans p ON p.name = s.plan WHERE s.owner = ?")
        .param(owner).query(Long.class).single();
  }

  /** When {@code owner} created sites in the last 24 hours, oldest first. */
  private List<Instant> createdToday(String owner) {
    return createdSince(owner, Instant.now().minus(Duration.ofDays(1)));
  }

  private List<Instant> createdSince(String owner, Instant since) {
    return jdbc.sql("SELECT created_at FROM site_creations WHERE owner = ? AND created_at > ? ORDER BY created_at")
        .params(owner, java.sql.Timestamp.from(since)).query((rs, i) -> rs.getTimestamp(1).toInstant()).list();
  }

  /** Refuses, saying why, a new site of {@code caller} on {@code plan}. */
  void checkCreate(Caller caller, Plan plan) {
    checkGranted(caller, plan);
    Optional<Quota> quota = of(caller);
    if (quota.isPresent()) {
      Quota q = quota.get();
      int sites = sites(caller.user());
      if (sites >= q.maxSites()) {
        throw new PierException(Kind.FORBIDDEN, "Quota reached", "you have " + sites + " site(s), the most your quota allows:"
            + " delete one first, or ask an admin for more", null);
      }
      checkDisk(q, disk(caller.user()) + plan.diskBytes());
      if (q.maxCreatesPerDay() == 0) {
        throw new PierException(Kind.FORBIDDEN, "Quota reached", "your quota allows no new site: ask an admin", null);
      }
      List<Instant> today = createdToday(caller.user());
      if (today.size() >= q.maxCreatesPerDay()) {
        Instant next = today.get(today.size() - q.maxCreatesPerDay()).plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        throw new PierException(Kind.TOO_MANY, "Too many new sites", "you created " + today.size() + " sites in the last 24 hours,"
            + " the most your quota allows: try again after " + CLOCK.format(next), null);
      }
    }
    checkHost(plan.diskBytes());
  }

  /** Refuses, saying why, moving {@code site} from plan {@code from} to {@code to}. */
  void checkMove(Caller caller, Site site, Plan from, Plan to) {
    checkGranted(caller, to);
    long growth = to.diskBytes() - from.diskBytes();
    if (growth <= 0) {
      return;
    }
    Optional<Quota> quota = caller.user().equals(site.owner()) ? of(caller) : Optional.empty();
    if (quota.isPresent()) {
      checkDisk(quota.get(), disk(site.owner()) + growth);
    }
    checkHost(growth);
  }

  /** Records a creation by {@code owner}, and forgets those over a day old. */
  void created(String owner) {
    jdbc.sql("INSERT INTO site_creations (owner, created_at) VALUES (?, ?)").params(owner, java.sql.Timestamp.from(Instant.now())).update();
    jdbc.sql("DELETE FROM site_creations WHERE created_at < ?").param(java.sql.Timestamp.from(Instant.now().minus(Duration.ofDays(2)))).update();
  }

  private void checkGranted(Caller caller, Plan plan) {
    if (!grants.mayUse(caller, plan.name())) {
      throw new PierException(Kind.FORBIDDEN, "Plan not granted", "plan \"" + plan.name() + "\" is not granted to you: you may use "
          + String.join(", ", grants.usable(caller)) + "; an admin grants plans", null);
    }
  }

  private static void checkDisk(Quota q, long total) {
    if (total > q.maxDiskBytes()) {
      throw new PierException(Kind.FORBIDDEN, "Quota reached", "your sites would have " + gib(total) + " of disk, more than the "
          + gib(q.maxDiskBytes()) + " your quota allows: choose a smaller plan, delete a site, or ask an admin for more", null);
    }
  }

  /** Refuses {@code more} bytes of promised disk that would over-commit the host's data disk. */
  private void checkHost(long more) {
    long size;
    try {
      size = Files.getFileStore(dataDir).getTotalSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of the disk of " + dataDir, e);
    }
    long promised = jdbc.sql("SELECT COALESCE(SUM(p.disk_bytes), 0) FROM sites s JOIN plans p ON p.name = s.plan").query(Long.class).single();
    if (promised + more > (long) (size * overcommit)) {
      throw new PierException(Kind.EXHAUSTED, "Host disk over-committed", "the host's data disk (" + gib(size) + ") would be promised "
          + gib(promised + more) + " to sites, more than " + overcommit + " times its size: an admin can delete sites, move them to"
          + " smaller plans or raise pier.quota.disk-overcommit", null);
    }
  }

  private static String gib(long bytes) {
    double g = bytes / (double) (1L << 30);
    return (g == Math.rint(g) ? String.valueOf((long) g) : String.format("%.1f", g)) + " GiB";
  }
}
