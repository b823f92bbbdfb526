package dev.pier.server.plan;

import dev.pier.server.common.Caller;
import dev.pier.server.common.Grantee;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Resource plans: everyone may read them; admins create, change and delete them, and grant them to users and groups
 * ({@link PlanGrants}).
 */
@Service
public class PlanService {

  private final PlanRepository repo;
  private final PlanGrants grants;
  private final ApplicationEventPublisher events;

  PlanService(PlanRepository repo, PlanGrants grants, ApplicationEventPublisher events) {
    this.repo = repo;
    this.grants = grants;
    this.events = events;
  }

  public List<Plan> list() {
    return repo.all();
  }

  /** The plans {@code caller} may put sites on. */
  public List<Plan> usable(Caller caller) {
    var names = grants.usable(caller);
    return repo.all().stream().filter(p -> names.contains(p.name())).toList();
  }

  /** Whom the plan is granted to, besides admins (and everyone, for the default plan). */
  public List<String> grantees(Caller caller, String plan) {
    requireAdmin(caller);
    get(plan);
    return grants.grantees(plan);
  }

  /** Lets {@code grantee} put sites on the plan; whether it could not before. */
  public boolean grant(Caller caller, String plan, String grantee) {
    requireAdmin(caller);
    get(plan);
    return grants.grant(plan, Grantee.parse(grantee));
  }

  /** Takes a grant back: sites already on the plan stay on it; whether there was one. */
  public boolean revoke(Caller caller, String plan, String grantee) {
    requireAdmin(caller);
    get(plan);
    return grants.revoke(plan, Grantee.parse(grantee));
  }

  public Plan get(String name) {
    return repo.find(name).orElseThrow(() -> new PierException(Kind.NOT_FOUND, "Plan not found",
        "plan \"" + name + "\" does not exist", null));
  }

  public Plan create(Caller caller, Plan plan) {
    requireAdmin(caller);
    try {
      repo.insert(plan);
    } catch (DuplicateKeyException e) {
      throw new PierException(Kind.ALREADY_EXISTS, "Name taken", "plan \"" + plan.name() + "\" already exists: change it instead", e);
    }
    return plan;
  }

  /** Changes a plan; running sites on it get the new limits at once where the kernel allows, else at their next start. */
  public Plan update(Caller caller, Plan plan) {
    requireAdmin(caller);
    get(plan.name());
    repo.update(plan);
    events.publishEvent(new PlanChanged(plan.name()));
    return plan;
  }

  public void delete(Caller caller, String name) {
    requireAdmin(caller);
    get(name);
    int users = repo.sitesOn(name);
    if (users > 0) {
      throw new PierException(Kind.CONFLICT, "Plan in use",
          "plan \"" + name + "\" is used by " + users + " site(s): move them to another plan first", null);
    }
    try {
      repo.delete(name);
    } catch (DataIntegrityViolationException e) {
      throw new PierException(Kind.CONFLICT, "Plan in use", "plan \"" + name + "\" is in use by a site created just now", e);
    }
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.admin()) {
      throw PierException.forbidden("Admins only", "only admins manage plans");
    }
  }
}
