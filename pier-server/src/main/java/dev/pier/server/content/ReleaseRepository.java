package dev.pier.server.content;

import dev.pier.engine.site.SiteName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** The releases table: what each site's releases are, newest first. */
@Repository
class ReleaseRepository {

  private final JdbcClient jdbc;

  ReleaseRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  private static Release map(ResultSet rs) throws SQLException {
    return new Release(rs.getLong("id"), rs.getString("site"), rs.getString("dir"), rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"), rs.getString("source"), rs.getLong("files"), rs.getLong("bytes"), rs.getBoolean("active"));
  }

  long insert(SiteName site, String dir, Instant at, String by, String source, long files, long bytes) {
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    jdbc.sql("INSERT INTO releases (site, dir, created_at, created_by, source, files, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(site.value(), dir, Timestamp.from(at), by, source, files, bytes)
        .update(key, "id");
    return key.getKey().longValue();
  }

  /** The site's releases, newest first. */
  List<Release> of(SiteName site) {
    return jdbc.sql("SELECT * FROM releases WHERE site = ? ORDER BY created_at DESC, id DESC").param(site.value())
        .query((rs, i) -> map(rs)).list();
  }

  Optional<Release> find(SiteName site, long id) {
    return jdbc.sql("SELECT * FROM releases WHERE site = ? AND id = ?").params(site.value(), id).query((rs, i) -> map(rs)).optional();
  }

  /** Marks the release in {@code dir} active and every other of the site not, in one statement; null: none. */
  void setActive(SiteName site, String dir) {
    jdbc.sql("UPDATE releases SET active = (dir = ?) WHERE site = ?").params(dir == null ? "" : dir, site.value()).update();
  }

  void delete(long id) {
    jdbc.sql("DELETE FROM releases WHERE id = ?").param(id).update();
  }
}
