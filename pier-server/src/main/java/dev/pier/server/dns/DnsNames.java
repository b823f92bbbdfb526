package dev.pier.server.dns;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The names Pier keeps on a DNS server of the operator's ({@code dns_names}), as absolute names with their final dot. */
@Repository
class DnsNames {

  private final JdbcClient jdbc;

  DnsNames(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  List<String> all() {
    return jdbc.sql("SELECT name FROM dns_names ORDER BY name").query(String.class).list();
  }

  /** Records that Pier is about to put records at {@code name} (before the update, so a crash right after it forgets nothing). */
  void remember(String name) {
    if (jdbc.sql("SELECT COUNT(*) FROM dns_names WHERE name = ?").param(name).query(Integer.class).single() == 0) {
      jdbc.sql("INSERT INTO dns_names (name, since) VALUES (?, ?)").params(name, java.sql.Timestamp.from(Instant.now())).update();
    }
  }

  void forget(String name) {
    jdbc.sql("DELETE FROM dns_names WHERE name = ?").param(name).update();
  }
}
