package dev.pier.server.plan;

import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/plans}: everyone reads the plans; admins create ({@code POST}), change ({@code PUT}) and delete them. */
@RestController
@RequestMapping("/api/v1/plans")
class PlanApiController {

  /** A plan's values without its name, which the path gives. */
  record PlanValues(double cpus, long memoryBytes, int pids, long diskBytes, boolean outbound) {}

  private final PlanService plans;

  PlanApiController(PlanService plans) {
    this.plans = plans;
  }

  /** Every plan; with {@code ?usable=true}, those the caller may put sites on. */
  @GetMapping
  List<Plan> list(@RequestParam(defaultValue = "false") boolean usable, Authentication auth) {
    return usable ? plans.usable(SecurityConfig.caller(auth)) : plans.list();
  }

  /** (Admins) whom the plan is granted to: {@code everyone}, {@code user:NAME}, {@code group:NAME}. */
  @GetMapping("/{name}/grants")
  List<String> grants(@PathVariable String name, Authentication auth) {
    return plans.grantees(SecurityConfig.caller(auth), name);
  }

  @PutMapping("/{name}/grants/{grantee}")
  ResponseEntity<Void> grant(@PathVariable String name, @PathVariable String grantee, Authentication auth) {
    boolean made = plans.grant(SecurityConfig.caller(auth), name, grantee);
    return made ? ResponseEntity.created(URI.create("/api/v1/plans/" + name + "/grants/" + grantee)).build() : ResponseEntity.noContent().build();
  }

  @DeleteMapping("/{name}/grants/{grantee}")
  ResponseEntity<Void> revoke(@PathVariable String name, @PathVariable String grantee, Authentication auth) {
    if (!plans.revoke(SecurityConfig.caller(auth), name, grantee)) {
      throw PierException.notFound("Grant not found", "plan \"" + name + "\" is not granted to " + grantee);
    }
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{name}")
  Plan get(@PathVariable String name) {
    return plans.get(name);
  }

  @PostMapping
  ResponseEntity<Plan> create(@RequestBody Plan plan, Authentication auth) {
    Plan p = plans.create(SecurityConfig.caller(auth), plan);
    return ResponseEntity.created(URI.create("/api/v1/plans/" + p.name())).body(p);
  }

  @PutMapping("/{name}")
  Plan update(@PathVariable String name, @RequestBody PlanValues plan, Authentication auth) {
    Plan values;
    try {
      values = new Plan(name, plan.cpus(), plan.memoryBytes(), plan.pids(), plan.diskBytes(), plan.outbound());
    } catch (IllegalArgumentException e) {
      throw PierException.invalid("Invalid plan", e);
    }
    return plans.update(SecurityConfig.caller(auth), values);
  }

  @DeleteMapping("/{name}")
  ResponseEntity<Void> delete(@PathVariable String name, Authentication auth) {
    plans.delete(SecurityConfig.caller(auth), name);
    return ResponseEntity.noContent().build();
  }
}
