package dev.pier.server.plan;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The plans table. */
@Repository
public class PlanRepository {

  private final JdbcClient jdbc;

  public PlanRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  private static Plan map(ResultSet rs) throws SQLException {
    return new Plan(rs.getString("name"), rs.getDouble("cpus"), rs.getLong("memory_bytes"), rs.getInt("pids"),
        rs.getLong("disk_bytes"), rs.getBoolean("outbound"));
  }

  public List<Plan> all() {
    return jdbc.sql("SELECT * FROM plans ORDER BY memory_bytes, name").query((rs, i) -> map(rs)).list();
  }

  public Optional<Plan> find(String name) {
    return jdbc.sql("SELECT * FROM plans WHERE name = ?").param(name).query((rs, i) -> map(rs)).optional();
  }

  void insert(Plan p) {
    jdbc.sql("INSERT INTO plans (name, cpus, memory_bytes, pids, disk_bytes, outbound) VALUES (?, ?, ?, ?, ?, ?)")
        .params(p.name(), p.cpus(), p.memoryBytes(), p.pids(), p.diskBytes(), p.outbound()).update();
  }

  void update(Plan p) {
    jdbc.sql("UPDATE plans SET cpus = ?, memory_bytes = ?, pids = ?, disk_bytes = ?, outbound = ? WHERE name = ?")
        .params(p.cpus(), p.memoryBytes(), p.pids(), p.diskBytes(), p.outbound(), p.name()).update();
  }

  int sitesOn(String name) {
    return jdbc.sql("SELECT COUNT(*) FROM sites WHERE plan = ?").param(name).query(Integer.class).single();
  }

  void delete(String name) {
    jdbc.sql("DELETE FROM plans WHERE name = ?").param(name).update();
  }
}
