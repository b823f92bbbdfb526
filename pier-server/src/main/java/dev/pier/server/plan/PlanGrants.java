package dev.pier.server.plan;

import dev.pier.server.common.Caller;
import dev.pier.server.common.Grantee;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which plans users may put their sites on: the default plan, and those an admin granted to them, to one of their
 * groups or to everyone. Admins may use every plan.
 */
@Repository
public class PlanGrants {

  /** The plan everyone may use, and new sites get when none is named. */
  public static final String DEFAULT_PLAN = "medium";

  private final JdbcClient jdbc;

  public PlanGrants(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The names of the plans {@code caller} may use (every plan for an admin). */
  public Set<String> usable(Caller caller) {
    if (caller.admin()) {
      return new TreeSet<>(jdbc.sql("SELECT name FROM plans").query(String.class).list());
    }
    List<String> grantees = caller.grantees().stream().map(Grantee::value).toList();
    Set<String> names = new TreeSet<>(jdbc.sql("SELECT DISTINCT plan FROM plan_grants WHERE grantee IN (:g)")
        .param("g", grantees).query(String.class).list());
    names.add(DEFAULT_PLAN);
    return names;
  }

  public boolean mayUse(Caller caller, String plan) {
    return caller.admin() || DEFAULT_PLAN.equals(plan) || usable(caller).contains(plan);
  }

  /** Whom {@code plan} is granted to. */
  public List<String> grantees(String plan) {
    return jdbc.sql("SELECT grantee FROM plan_grants WHERE plan = ? ORDER BY grantee").param(plan).query(String.class).list();
  }

  /** Grants {@code plan} to {@code grantee}; whether it was not granted before. */
  boolean grant(String plan, Grantee grantee) {
    if (grantees(plan).contains(grantee.value())) {
      return false;
    }
    jdbc.sql("INSERT INTO plan_grants (plan, grantee) VALUES (?, ?)").params(plan, grantee.value()).update();
    return true;
  }

  /** Takes the grant back; whether there was one. Sites already on the plan stay on it. */
  boolean revoke(String plan, Grantee grantee) {
    return jdbc.sql("DELETE FROM plan_grants WHERE plan = ? AND grantee = ?").params(plan, grantee.value()).update() > 0;
  }
}
