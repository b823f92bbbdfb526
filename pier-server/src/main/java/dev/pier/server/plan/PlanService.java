package dev.pier.server.plan;

import dev.pier.server.site.Caller;
import dev.pier.server.site.SiteException;
import dev.pier.server.site.SiteService;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/** Resource plans: everyone may read them; admins create, change and delete them. */
@Service
public class PlanService {

  private final PlanRepository repo;
  private final SiteService sites;

  PlanService(PlanRepository repo, SiteService sites) {
    this.repo = repo;
    this.sites = sites;
  }

  public List<Plan> list() {
    return repo.all();
  }

  public Plan get(String name) {
    return repo.find(name).orElseThrow(() -> new SiteException(HttpStatus.NOT_FOUND, "Plan not found",
        "plan \"" + name + "\" does not exist", null));
  }

  public Plan create(Caller caller, Plan plan) {
    requireAdmin(caller);
    try {
      repo.insert(plan);
    } catch (DuplicateKeyException e) {
      throw new SiteException(HttpStatus.CONFLICT, "Name taken", "plan \"" + plan.name() + "\" already exists: change it instead", e);
    }
    return plan;
  }

  /** Changes a plan; running sites on it get the new limits at once where the kernel allows, else at their next start. */
  public Plan update(Caller caller, Plan plan) {
    requireAdmin(caller);
    get(plan.name());
    repo.update(plan);
    sites.planChanged(plan.name());
    return plan;
  }

  public void delete(Caller caller, String name) {
    requireAdmin(caller);
    get(name);
    int users = repo.sitesOn(name);
    if (users > 0) {
      throw new SiteException(HttpStatus.CONFLICT, "Plan in use",
          "plan \"" + name + "\" is used by " + users + " site(s): move them to another plan first", null);
    }
    try {
      repo.delete(name);
    } catch (org.springframework.dao.DataIntegrityViolationException e) {
      throw new SiteException(HttpStatus.CONFLICT, "Plan in use", "plan \"" + name + "\" is in use by a site created just now", e);
    }
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.admin()) {
      throw new SiteException(HttpStatus.FORBIDDEN, "Admins only", "only admins manage plans", null);
    }
  }
}
