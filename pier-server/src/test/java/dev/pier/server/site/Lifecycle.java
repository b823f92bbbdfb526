package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.network.AddressPool;
import dev.pier.engine.network.Ipv4Subnet;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.testing.FakeHost;
import dev.pier.server.common.Caller;
import dev.pier.server.config.PierProperties;
import dev.pier.server.image.ImageRepository;
import dev.pier.server.image.ImageService;
import dev.pier.server.plan.PlanGrants;
import dev.pier.server.plan.PlanRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.Driver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * One Pier's site lifecycle without Spring or root: the real service, workers, sync and repositories over a real
 * database (H2 in memory, migrated by Flyway) and a real {@link SiteEngine} on the in-memory {@link FakeHost}. A
 * second one over the same database and host is Pier started again after a crash.
 */
final class Lifecycle implements AutoCloseable {

  static final Caller ALICE = new Caller("alice", false);

  final FakeHost host;
  final SiteEngine engine;
  final SiteRepository repo;
  final SiteService sites;
  final Reconciler reconciler;
  final List<Object> events = new CopyOnWriteArrayList<>();
  private final SiteWorkers workers;

  /**
   * A database of its own for a new test. Once the host has simulated a crash of Pier, it takes no more writes
   * either, as a dead process makes none: what was written before is what the next Pier finds.
   */
  static DataSource database(String name, FakeHost host) {
    SimpleDriverDataSource db = new SimpleDriverDataSource(new Driver(), "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "pier", "") {
      @Override
      public Connection getConnection() throws SQLException {
        if (host.crashed()) {
          throw new SQLException("Pier crashed: no more writes");
        }
        return super.getConnection();
      }
    };
    Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    return db;
  }

  Lifecycle(FakeHost host, DataSource db) {
    this.host = host;
    this.engine = host.engine();
    JdbcClient jdbc = JdbcClient.create(db);
    PierProperties props = new PierProperties(engine.config().dataDir(), "pier.test", new PierProperties.Edge(8080, -1, null),
        new PierProperties.Network("pier0", "10.1.1.0/24", "10.1.1.254", "", "", List.of()),
        new PierProperties.Engine("pier", Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofMinutes(5)),
        null, new PierProperties.Images(null, false), null, "pier");
    repo = new SiteRepository(jdbc);
    PlanRepository plans = new PlanRepository(jdbc);
    ImageService images = new ImageService(new ImageRepository(jdbc), repo, engine);
    RouteRefresher routes = new RouteRefresher(repo, props, engine, plans);
    routes.engineReady();
    SiteLocks locks = new SiteLocks();
    SiteSpecs specs = new SiteSpecs(plans, images, props, repo);
    SiteSync sync = new SiteSync(repo, engine, specs, locks, routes, images, props, events::add, new HostLeftovers(engine),
        new SiteContent(repo, locks, specs, engine));
    workers = new SiteWorkers(sync);
    sites = new SiteService(repo, engine, new AddressPool(Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254")), plans, images, locks, sync, specs,
        workers, routes, new Quotas(jdbc, new PlanGrants(jdbc), engine.config().dataDir(), 1000.0));
    reconciler = new Reconciler(repo, engine, workers, locks, images);
  }

  /** The site's row: what the panel shows. */
  Site site(String name) {
    return repo.find(SiteName.of(name)).orElse(null);
  }

  String containerId(String name) {
    return engine.containerId(SiteName.of(name));
  }

  /** Whether the host runs the site's container. */
  boolean running(String name) {
    return "running".equals(host.containers().get(containerId(name)));
  }

  /** Wakes the site's worker as the supervisor does when it sees its container gone, and waits for the pass. */
  void supervise(String name) {
    workers.wake(SiteName.of(name), SiteWorkers.Cause.SUPERVISOR).join();
  }

  /** Puts the site to sleep as the sleeper does when it has been idle, and waits for the pass. */
  void sleep(String name) {
    fallAsleep(name).join();
  }

  /** Puts the site to sleep as the sleeper does; the future completes with the pass. */
  CompletableFuture<Void> fallAsleep(String name) {
    repo.setWishIf(SiteName.of(name), SiteWish.RUNNING, SiteWish.SLEEPING);
    return workers.wake(SiteName.of(name), SiteWorkers.Cause.IDLE);
  }

  @Override
  public void close() {
    workers.close();
  }
}
