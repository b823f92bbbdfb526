package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import dev.pier.server.image.ImageUsers;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The sites table. */
@Repository
public class SiteRepository implements ImageUsers {

  private final JdbcClient jdbc;

  SiteRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  private static Site map(ResultSet rs) throws SQLException {
    return new Site(SiteName.of(rs.getString("name")), rs.getString("owner"), SiteState.valueOf(rs.getString("state")),
        rs.getString("ipv4"), rs.getString("image"), rs.getString("image_version"), rs.getString("plan"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(), rs.getString("last_error"), RestartPolicy.of(rs.getString("restart_policy")),
        rs.getInt("restarts"), rs.getString("last_exit"),
        new Site.Web(rs.getBoolean("https_only"), rs.getBoolean("hsts"), (Long) rs.getObject("max_body_bytes", Long.class),
            (Integer) rs.getObject("sleep_after_seconds", Integer.class)),
        SiteWish.valueOf(rs.getString("wish")), rs.getLong("wish_seq"));
  }

  /** Inserts a new site; throws DuplicateKeyException if the name or the address is taken. */
  void insert(Site s) {
    jdbc.sql("INSERT INTO sites (name, owner, state, wish, ipv4, image, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(s.name().value(), s.owner(), s.state().name(), s.wish().name(), s.ipv4(), s.image(), s.plan(), Timestamp.from(s.createdAt()),
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

  /** Records what was asked for the site; false when it is being deleted, which no wish undoes. */
  boolean setWish(SiteName name, SiteWish wish) {
    return jdbc.sql("UPDATE sites SET wish = ?, wish_seq = wish_seq + 1 WHERE name = ? AND (wish <> 'DELETED' OR ? = 'DELETED')")
        .params(wish.name(), name.value(), wish.name()).update() == 1;
  }

  /** Replaces the wish only if it is still {@code expected}: a trigger's wish (sleep, wake) gives way to another. */
  boolean setWishIf(SiteName name, SiteWish expected, SiteWish wish) {
    return jdbc.sql("UPDATE sites SET wish = ?, wish_seq = wish_seq + 1 WHERE name = ? AND wish = ?")
        .params(wish.name(), name.value(), expected.name()).update() == 1;
  }

  /**
   * Gives up a wish the site's worker could not fulfil (a start that failed): only if no wish was written since the
   * worker read {@code seen}, so that a newer request, even for the same thing, stands.
   */
  boolean giveUpWish(Site seen, SiteWish wish) {
    return jdbc.sql("UPDATE sites SET wish = ?, wish_seq = wish_seq + 1 WHERE name = ? AND wish_seq = ?")
        .params(wish.name(), seen.name().value(), seen.wishSeq()).update() == 1;
  }

  /** Records why the container stopped by itself. */
  void setLastExit(SiteName name, String lastExit) {
    jdbc.sql("UPDATE sites SET last_exit = ? WHERE name = ?").params(lastExit, name.value()).update();
  }

  void countRestart(SiteName name) {
    jdbc.sql("UPDATE sites SET restarts = restarts + 1 WHERE name = ?").param(name.value()).update();
  }

  /** Sets what a change may change, in one statement. */
  void update(SiteName name, String plan, RestartPolicy policy, Site.Web web) {
    jdbc.sql("UPDATE sites SET plan = ?, restart_policy = ?, https_only = ?, hsts = ?, max_body_bytes = ?, sleep_after_seconds = ?,"
            + " updated_at = ? WHERE name = ?")
        .params(plan, policy.word(), web.httpsOnly(), web.hsts(), web.maxBodyBytes(), web.sleepAfterSeconds(), Timestamp.from(Instant.now()),
            name.value())
        .update();
  }

  List<Site> onPlan(String plan) {
    return jdbc.sql("SELECT * FROM sites WHERE plan = ? ORDER BY name").param(plan).query((rs, i) -> map(rs)).list();
  }

  /** Records the image version a site is about to start on (it keeps it while it runs). */
  void setImageVersion(SiteName name, String version) {
    jdbc.sql("UPDATE sites SET image_version = ? WHERE name = ?").params(version, name.value()).update();
  }

  @Override
  public int countUsingImage(String image) {
    return jdbc.sql("SELECT COUNT(*) FROM sites WHERE image = ?").param(image).query(Integer.class).single();
  }

  @Override
  public Set<String> versionsInUse(String image) {
    return new HashSet<>(jdbc.sql("SELECT image_version FROM sites WHERE image = ? AND image_version IS NOT NULL AND state IN ('RUNNING', 'STARTING', 'STOPPING')")
        .param(image).query(String.class).list());
  }

  void delete(SiteName name) {
    jdbc.sql("DELETE FROM sites WHERE name = ?").param(name.value()).update();
  }
}
