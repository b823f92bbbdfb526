package dev.pier.server.image;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ImageRepository {

  private final JdbcClient jdbc;

  public ImageRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  private static ImageRow map(ResultSet rs) throws SQLException {
    String packages = rs.getString("packages").strip();
    return new ImageRow(rs.getString("name"), packages.isEmpty() ? List.of() : List.of(packages.split(" ")), rs.getBoolean("builtin"),
        rs.getString("created_by"), rs.getTimestamp("created_at").toInstant());
  }

  public List<ImageRow> all() {
    return jdbc.sql("SELECT * FROM images ORDER BY builtin DESC, name").query((rs, i) -> map(rs)).list();
  }

  public Optional<ImageRow> find(String name) {
    return jdbc.sql("SELECT * FROM images WHERE name = ?").param(name).query((rs, i) -> map(rs)).optional();
  }

  void insert(String name, List<String> packages, String createdBy) {
    jdbc.sql("INSERT INTO images (name, packages, builtin, created_by, created_at) VALUES (?, ?, FALSE, ?, ?)")
        .params(name, String.join(" ", packages), createdBy, Timestamp.from(Instant.now())).update();
  }

  void updatePackages(String name, List<String> packages) {
    jdbc.sql("UPDATE images SET packages = ? WHERE name = ?").params(String.join(" ", packages), name).update();
  }

  void delete(String name) {
    jdbc.sql("DELETE FROM images WHERE name = ?").param(name).update();
  }
}
