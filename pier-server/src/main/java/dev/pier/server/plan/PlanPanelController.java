package dev.pier.server.plan;

import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.web.Flash;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The plans page: everyone sees the plans; admins add, change and delete them. */
@Controller
class PlanPanelController {

  private final PlanService plans;

  PlanPanelController(PlanService plans) {
    this.plans = plans;
  }

  @GetMapping("/plans")
  String list(Authentication auth, Model model) {
    model.addAttribute("caller", SecurityConfig.caller(auth));
    model.addAttribute("plans", plans.list());
    return "plans";
  }

  /** Creates a plan (no {@code existing} field) or changes the one named. Sizes are given in MiB. */
  @PostMapping("/plans")
  String save(@RequestParam String name, @RequestParam String cpus, @RequestParam String memoryMib, @RequestParam String pids,
      @RequestParam String diskMib, @RequestParam(defaultValue = "false") boolean outbound,
      @RequestParam(defaultValue = "false") boolean existing, Authentication auth, RedirectAttributes flash) {
    try {
      Plan plan = new Plan(name.strip(), number(cpus, "CPU"), (long) (number(memoryMib, "memory") * 1048576),
          (int) number(pids, "processes"), (long) (number(diskMib, "disk") * 1048576), outbound);
      if (existing) {
        plans.update(SecurityConfig.caller(auth), plan);
        flash.addFlashAttribute("success", "Plan " + plan.name() + " changed; running sites on it follow where the kernel allows.");
      } else {
        plans.create(SecurityConfig.caller(auth), plan);
        flash.addFlashAttribute("success", "Plan " + plan.name() + " added.");
      }
    } catch (IllegalArgumentException | PierException e) {
      flash.addFlashAttribute("error", Flash.sentence(e.getMessage()));
    }
    return "redirect:/plans";
  }

  @PostMapping("/plans/{name}/delete")
  String delete(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    try {
      plans.delete(SecurityConfig.caller(auth), name);
      flash.addFlashAttribute("success", "Plan " + name + " deleted.");
    } catch (PierException e) {
      flash.addFlashAttribute("error", Flash.sentence(e.getMessage()));
    }
    return "redirect:/plans";
  }

  private static double number(String text, String what) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " \"" + text + "\" is not a number");
    }
  }
}
