package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The sites table. */
@Repository
public class SiteRepository {

  private final JdbcClient jdbc;

  SiteRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  private static Site map(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Site(SiteName.of(rs.getString("name")), rs.getString("owner"), SiteState.valueOf(rs.getString("state")),
        rs.getString("ipv4"), rs.getString("image"), rs.getString("image_version"), rs.getString("plan"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(), rs.getString("last_error"), RestartPolicy.of(rs.getString("restart_policy")),
        rs.getInt("restarts"), rs.getString("last_exit"),
        new Site.Web(rs.getBoolean("https_only"), rs.getBoolean("hsts"), (Long) rs.getObject("max_body_bytes", Long.class),
            (Integer) rs.getObject("sleep_after_seconds", Integer.class)));
  }

  /** Inserts a new site; throws DuplicateKeyException if the name or the address is taken. */
  void insert(Site s) {
    jdbc.sql("INSERT INTO sites (name, owner, state, ipv4, image, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(s.name().value(), s.owner(), s.state().name(), s.ipv4(), s.image(), s.plan(), Timestamp.from(s.createdAt()),
            Timestamp.from(s.updatedAt()))
        .update();
  }

  public Optional<Site> find(SiteName name) {
    return jdbc.sql("SELECT * FROM sites WHERE name = ?").param(name.value()).query((rs, i) -> map(rs)).optional();
  }

  public List<Site> all() {
    return jdbc.sql("SELECT * FROM sites ORDER BY name").query((rs, i) -> map(rs)).list();
  }

  List<Site> ownedBy(String owner) {
    return jdbc.sql("SELECT * FROM sites WHERE owner = ? ORDER BY name").param(owner).query((rs, i) -> map(rs)).list();
  }

  List<String> addresses() {
    return jdbc.sql("SELECT ipv4 FROM sites").query(String.class).list();
  }

  void setState(SiteName name, SiteState state, String lastError) {
    jdbc.sql("UPDATE sites SET state = ?, last_error = ?, updated_at = ? WHERE name = ?")
        .params(state.name(), lastError, Timestamp.from(Instant.now()), name.value()).update();
  }

  void setRestartPolicy(SiteName name, RestartPolicy policy) {
    jdbc.sql("UPDATE sites SET restart_policy = ?, updated_at = ? WHERE name = ?").params(policy.word(), Timestamp.from(Instant.now()), name.value()).update();
  }

  /** Records why the container stopped by itself. */
  void setLastExit(SiteName name, String lastExit) {
    jdbc.sql("UPDATE sites SET last_exit = ? WHERE name = ?").params(lastExit, name.value()).update();
  }

  void countRestart(SiteName name) {
    jdbc.sql("UPDATE sites SET restarts = restarts + 1 WHERE name = ?").param(name.value()).update();
  }

  void setPlan(SiteName name, String plan) {
    jdbc.sql("UPDATE sites SET plan = ?, updated_at = ? WHERE name = ?").params(plan, Timestamp.from(Instant.now()), name.value()).update();
  }

  List<Site> onPlan(String plan) {
    return jdbc.sql("SELECT * FROM sites WHERE plan = ? ORDER BY name").param(plan).query((rs, i) -> map(rs)).list();
  }

  void setWeb(SiteName name, Site.Web web) {
    jdbc.sql("UPDATE sites SET https_only = ?, hsts = ?, max_body_bytes = ?, sleep_after_seconds = ?, updated_at = ? WHERE name = ?")
        .params(web.httpsOnly(), web.hsts(), web.maxBodyBytes(), web.sleepAfterSeconds(), Timestamp.from(Instant.now()), name.value()).update();
  }

  /** Records the image version a site is about to start on (it keeps it while it runs). */
  void setImageVersion(SiteName name, String version) {
    jdbc.sql("UPDATE sites SET image_version = ? WHERE name = ?").params(version, name.value()).update();
  }

  /** How many sites use the image. */
  public int countUsingImage(String image) {
    return jdbc.sql("SELECT COUNT(*) FROM sites WHERE image = ?").param(image).query(Integer.class).single();
  }

  /** Image versions that sites run on or are starting or stopping on: not to be removed. */
  public java.util.Set<String> versionsInUse(String image) {
    return new java.util.HashSet<>(jdbc.sql("SELECT image_version FROM sites WHERE image = ? AND image_version IS NOT NULL AND state IN ('RUNNING', 'STARTING', 'STOPPING')")
        .param(image).query(String.class).list());
  }

  void delete(SiteName name) {
    jdbc.sql("DELETE FROM sites WHERE name = ?").param(name.value()).update();
  }
}
