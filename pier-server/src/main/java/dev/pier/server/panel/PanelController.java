package dev.pier.server.panel;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.server.api.SiteUrls;
import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Caller;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteException;
import dev.pier.server.site.SiteService;
import dev.pier.server.site.SiteState;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The web panel at the apex domain: log-in page, the caller's sites (all sites for admins) with start, stop and
 * delete, and a form to create one. Every change is a POST that redirects back to a GET (Post/Redirect/Get), with
 * the outcome as a flash message: {@code success} or {@code error}, the latter carrying the service's message,
 * which says what was wrong.
 */
@Controller
class PanelController {

  private static final Logger log = LoggerFactory.getLogger(PanelController.class);

  /** One row of the sites table, with what the template needs already worked out. */
  public record SiteRow(String name, String url, String state, String stateBadge, String ipv4, String owner,
      String lastError, boolean startable, boolean stoppable, String use, String plan, String restarts, String image,
      String imageNote) {}

  private final SiteService sites;
  private final SiteUrls urls;
  private final EdgeLifecycle edge;
  private final dev.pier.server.site.UsageSampler usage;
  private final dev.pier.server.plan.PlanRepository plans;
  private final dev.pier.server.image.ImageService images;
  private final dev.pier.server.accesslog.AccessLogs accessLogs;

  /** An image as the create form offers it: its name and whether sites can start on it now. */
  public record ImageChoice(String name, String label) {}

  /** A plan as the create form offers it. */
  public record PlanChoice(String name, String label) {}

  static PlanChoice describe(dev.pier.server.plan.Plan p) {
    return new PlanChoice(p.name(), String.format(java.util.Locale.ROOT, "%s: %s CPU, %d MiB, %d processes",
        p.name(), new java.math.BigDecimal(p.cpus()).stripTrailingZeros().toPlainString(), p.memoryBytes() >> 20, p.pids()));
  }

  PanelController(SiteService sites, SiteUrls urls, EdgeLifecycle edge, dev.pier.server.site.UsageSampler usage,
      dev.pier.server.plan.PlanRepository plans, dev.pier.server.image.ImageService images,
      dev.pier.server.accesslog.AccessLogs accessLogs) {
    this.accessLogs = accessLogs;
    this.images = images;
    this.usage = usage;
    this.plans = plans;
    this.sites = sites;
    this.urls = urls;
    this.edge = edge;
  }

  @GetMapping("/login")
  String login() {
    return "login";
  }

  @GetMapping("/")
  String home(Authentication auth, Model model) {
    Caller caller = SecurityConfig.caller(auth);
    int port = edge.httpPort();
    java.util.Map<String, String> current = new java.util.HashMap<>();
    images.list().forEach(i -> current.put(i.name(), i.current() == null ? "" : i.current()));
    List<SiteRow> rows = sites.list(caller).stream().map(s -> row(s, port, current)).toList();
    model.addAttribute("caller", caller);
    model.addAttribute("sites", rows);
    model.addAttribute("plans", plans.all().stream().map(PanelController::describe).toList());
    model.addAttribute("defaultPlan", SiteService.DEFAULT_PLAN);
    model.addAttribute("images", images.list().stream().map(i -> new ImageChoice(i.name(), i.name()
        + (i.php() ? ": Apache, PHP and SQLite" : i.kind().equals("busybox") ? ": static files, busybox httpd" : ": Apache")
        + (i.status().equals("ready") ? "" : " (" + i.status() + ")"))).toList());
    model.addAttribute("defaultImage", SiteService.DEFAULT_IMAGE);
    if (!model.containsAttribute("newName")) {
      model.addAttribute("newName", "");
    }
    return "sites";
  }

  @PostMapping("/sites")
  String create(@RequestParam(name = "name", required = false) String name, @RequestParam(name = "plan", required = false) String plan,
      @RequestParam(name = "image", required = false) String image, Authentication auth, RedirectAttributes flash) {
    String typed = name == null ? "" : name;
    boolean done = attempt(flash, () -> {
      Site s = sites.create(SecurityConfig.caller(auth), typed.strip(), plan, image);
      return "Site " + s.name().value() + " created.";
    });
    if (!done) {
      flash.addFlashAttribute("newName", typed);
    }
    return "redirect:/";
  }

  @PostMapping("/sites/{name}/start")
  String start(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    attempt(flash, () -> "Site " + sites.start(SecurityConfig.caller(auth), name).name().value() + " is running.");
    return "redirect:/";
  }

  @PostMapping("/sites/{name}/plan")
  String changePlan(@PathVariable String name, @RequestParam String plan, Authentication auth, RedirectAttributes flash) {
    attempt(flash, () -> {
      SiteService.PlanChange change = sites.changePlan(SecurityConfig.caller(auth), name, plan);
      return "Site " + name + " is on plan " + plan + ": " + (change.applied().equals("now")
          ? "its new limits apply now."
          : "its new limits apply at its next start (" + change.reason() + ").");
    });
    return "redirect:/";
  }

  @PostMapping("/sites/{name}/stop")
  String stop(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    attempt(flash, () -> "Site " + sites.stop(SecurityConfig.caller(auth), name).name().value() + " is stopped.");
    return "redirect:/";
  }

  /** The end of the site's access log, as text (the panel links to it from each site). */
  @GetMapping(value = "/sites/{name}/access-log", produces = "text/plain;charset=UTF-8")
  @org.springframework.web.bind.annotation.ResponseBody
  org.springframework.http.ResponseEntity<String> accessLog(@PathVariable String name, Authentication auth) {
    try {
      String text = sites.accessLog(SecurityConfig.caller(auth), name, 256 << 10, accessLogs);
      return org.springframework.http.ResponseEntity.ok(text.isEmpty() ? "No requests yet.\n" : text);
    } catch (InvalidSiteNameException | SiteException e) {
      return org.springframework.http.ResponseEntity.status(e instanceof SiteException se ? se.status() : org.springframework.http.HttpStatus.NOT_FOUND)
          .body(capitalized(e.getMessage()) + "\n");
    }
  }

  @GetMapping("/sites/{name}/settings")
  String settings(@PathVariable String name, Authentication auth, Model model, RedirectAttributes flash) {
    Caller caller = SecurityConfig.caller(auth);
    try {
      model.addAttribute("site", sites.get(caller, name));
    } catch (InvalidSiteNameException | SiteException e) {
      failed(flash, e);
      return "redirect:/";
    }
    model.addAttribute("caller", caller);
    return "settings";
  }

  /** Saves the site's web settings; an empty number means "the default" (never sleep, the edge's body limit). */
  @PostMapping("/sites/{name}/settings")
  String saveSettings(@PathVariable String name, @RequestParam(defaultValue = "false") boolean httpsOnly,
      @RequestParam(defaultValue = "false") boolean hsts, @RequestParam(defaultValue = "") String sleepAfterSeconds,
      @RequestParam(defaultValue = "") String maxBodyMib, Authentication auth, RedirectAttributes flash) {
    try {
      Integer sleep = sleepAfterSeconds.isBlank() ? null : Integer.valueOf(sleepAfterSeconds.strip());
      Long body = maxBodyMib.isBlank() ? 0L : Long.parseLong(maxBodyMib.strip()) * 1048576;
      if (body < 0) {
        throw new NumberFormatException();
      }
      sites.changeWeb(SecurityConfig.caller(auth), name, httpsOnly, hsts, body, true, sleep);
      flash.addFlashAttribute("success", "Settings of " + name + " saved; they apply at once.");
    } catch (NumberFormatException e) {
      flash.addFlashAttribute("error", "Give whole numbers for the sleep time and the upload size, or leave them empty.");
    } catch (InvalidSiteNameException | SiteException e) {
      failed(flash, e);
    }
    return "redirect:/sites/" + name + "/settings";
  }

  @GetMapping("/sites/{name}/delete")
  String confirmDelete(@PathVariable String name, Authentication auth, Model model, RedirectAttributes flash) {
    Caller caller = SecurityConfig.caller(auth);
    Site site;
    try {
      site = sites.get(caller, name);
    } catch (InvalidSiteNameException | SiteException e) {
      failed(flash, e);
      return "redirect:/";
    }
    model.addAttribute("caller", caller);
    model.addAttribute("site", row(site, edge.httpPort()));
    return "delete";
  }

  @PostMapping("/sites/{name}/delete")
  String delete(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    attempt(flash, () -> {
      sites.delete(SecurityConfig.caller(auth), name);
      return "Site " + name + " deleted.";
    });
    return "redirect:/";
  }

  /** Runs a site operation; flashes its success message, or the reason it failed. Returns whether it succeeded. */
  static boolean attempt(RedirectAttributes flash, Supplier<String> operation) {
    try {
      flash.addFlashAttribute("success", operation.get());
      return true;
    } catch (InvalidSiteNameException | SiteException e) {
      failed(flash, e);
      return false;
    }
  }

  private static void failed(RedirectAttributes flash, RuntimeException e) {
    if (e instanceof SiteException se && se.status().is5xxServerError()) {
      log.error(e.getMessage(), e.getCause());
    }
    flash.addFlashAttribute("error", capitalized(e.getMessage()));
  }

  private SiteRow row(Site s, int port) {
    return row(s, port, java.util.Map.of());
  }

  /** {@code current}: each image's current version, to tell a running site that a newer one waits for its restart. */
  private SiteRow row(Site s, int port, java.util.Map<String, String> current) {
    String name = s.name().value();
    return new SiteRow(name, urls.of(name, port), s.state().name(), badge(s.state()), s.ipv4(), s.owner(),
        s.lastError(), s.state() == SiteState.STOPPED || s.state() == SiteState.SLEEPING,
        s.state() == SiteState.RUNNING || s.state() == SiteState.SLEEPING, use(s), s.plan(),
        s.restarts() == 0 ? "" : "restarted " + s.restarts() + (s.restarts() == 1 ? " time" : " times")
            + (s.lastExit() == null ? "" : "; last " + s.lastExit()),
        s.image(), s.state() == SiteState.RUNNING && s.imageVersion() != null && current.containsKey(s.image())
            && !current.get(s.image()).isEmpty() && !current.get(s.image()).equals(s.imageVersion())
            ? "a newer version of its image is ready: stop and start the site to use it" : "");
  }

  /** The latest sample of a running site, as "12.5 MiB, 3 processes, 0.4% CPU"; empty otherwise. */
  private String use(Site s) {
    if (s.state() != SiteState.RUNNING) {
      return "";
    }
    var samples = usage.history(s.name());
    if (samples.isEmpty()) {
      return "";
    }
    var last = samples.getLast();
    String text = String.format(java.util.Locale.ROOT, "%.1f MiB, %d processes", last.memoryBytes() / 1048576.0, last.processes());
    return last.cpuCores() == null ? text : text + String.format(java.util.Locale.ROOT, ", %.1f%% CPU", last.cpuCores() * 100);
  }

  /** Bootstrap badge colours: running green, stopped grey, anything under way yellow. */
  private static String badge(SiteState state) {
    return switch (state) {
      case RUNNING -> "text-bg-success";
      case SLEEPING -> "text-bg-info";
      case STOPPED -> "text-bg-secondary";
      default -> "text-bg-warning";
    };
  }

  /** A message as a sentence for a flash: capital first letter, full stop. */
  static String sentence(String message) {
    return capitalized(message);
  }

  private static String capitalized(String message) {
    if (message == null || message.isEmpty()) {
      return "Something went wrong.";
    }
    return Character.toUpperCase(message.charAt(0)) + message.substring(1) + (message.endsWith(".") ? "" : ".");
  }
}
