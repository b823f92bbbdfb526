package dev.pier.server.site;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.server.common.Caller;
import dev.pier.server.common.EdgeStatus;
import dev.pier.server.common.PierException;
import dev.pier.server.image.ImageService;
import dev.pier.server.plan.Plan;
import dev.pier.server.plan.PlanGrants;
import dev.pier.server.plan.PlanRepository;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.web.Flash;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The web panel at the apex domain: log-in page, the caller's sites (all sites for admins) with start, stop and
 * delete, and a form to create one. Every change is a POST that redirects back to a GET (Post/Redirect/Get), with
 * the outcome as a flash message: {@code success} or {@code error}, the latter carrying the service's message,
 * which says what was wrong.
 */
@Controller
class SitePanelController {

  private static final Logger log = LoggerFactory.getLogger(SitePanelController.class);

  /** One row of the sites table, with what the template needs already worked out. */
  public record SiteRow(String name, String url, String state, String stateBadge, String ipv4, String owner,
      String lastError, boolean startable, boolean stoppable, String use, String plan, String restarts, String image,
      String imageNote) {}

  private final SiteService sites;
  private final SiteUrls urls;
  private final EdgeStatus edge;
  private final SiteUsage usage;
  private final PlanRepository plans;
  private final PlanGrants grants;
  private final ImageService images;
  private final SiteDns dns;

  /** An image as the create form offers it: its name and whether sites can start on it now. */
  public record ImageChoice(String name, String label) {}

  /** A plan as the create form offers it. */
  public record PlanChoice(String name, String label) {}

  static PlanChoice describe(Plan p) {
    return new PlanChoice(p.name(), String.format(Locale.ROOT, "%s: %s CPU, %d MiB, %d processes",
        p.name(), new BigDecimal(p.cpus()).stripTrailingZeros().toPlainString(), p.memoryBytes() >> 20, p.pids()));
  }

  SitePanelController(SiteService sites, SiteUrls urls, EdgeStatus edge, SiteUsage usage,
      PlanRepository plans, PlanGrants grants, ImageService images, SiteDns dns) {
    this.dns = dns;
    this.images = images;
    this.usage = usage;
    this.plans = plans;
    this.grants = grants;
    this.sites = sites;
    this.urls = urls;
    this.edge = edge;
  }

  /** The log-in form; after too many failures ({@code wait}: seconds), a 429 saying how long to wait. */
  @GetMapping("/login")
  String login(@RequestParam(name = "wait", required = false) String wait, Model model, HttpServletResponse response) {
    if (wait != null && wait.matches("[0-9]{1,6}")) {
      response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
      response.setHeader("Retry-After", wait);
      model.addAttribute("waitSeconds", Long.parseLong(wait));
    }
    return "login";
  }

  @GetMapping("/")
  String home(Authentication auth, Model model) {
    Caller caller = SecurityConfig.caller(auth);
    int port = edge.httpPort();
    Map<String, String> current = new HashMap<>();
    images.list().forEach(i -> current.put(i.name(), i.current() == null ? "" : i.current()));
    List<SiteRow> rows = sites.list(caller).stream().map(s -> row(s, port, current)).toList();
    model.addAttribute("caller", caller);
    model.addAttribute("sites", rows);
    var usable = grants.usable(caller); // the create form offers the plans the caller may use
    model.addAttribute("plans", plans.all().stream().filter(p -> usable.contains(p.name())).map(SitePanelController::describe).toList());
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
    boolean done = Flash.attempt(flash, () -> {
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
    Flash.attempt(flash, () -> "Site " + sites.start(SecurityConfig.caller(auth), name).name().value() + " is running.");
    return "redirect:/";
  }

  @PostMapping("/sites/{name}/plan")
  String changePlan(@PathVariable String name, @RequestParam String plan, Authentication auth, RedirectAttributes flash) {
    Flash.attempt(flash, () -> {
      PlanChange change = sites.changePlan(SecurityConfig.caller(auth), name, plan);
      return "Site " + name + " is on plan " + plan + ": " + (change.applied().equals("now")
          ? "its new limits apply now."
          : "its new limits apply at its next start (" + change.reason() + ").");
    });
    return "redirect:/";
  }

  @PostMapping("/sites/{name}/stop")
  String stop(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    Flash.attempt(flash, () -> "Site " + sites.stop(SecurityConfig.caller(auth), name).name().value() + " is stopped.");
    return "redirect:/";
  }

  /** A site's own page: its state and link; publishing, releases, files and SFTP are worked by the page's script. */
  @GetMapping("/sites/{name}")
  String page(@PathVariable String name, Authentication auth, Model model, RedirectAttributes flash) {
    Caller caller = SecurityConfig.caller(auth);
    try {
      model.addAttribute("site", row(sites.get(caller, name), edge.httpPort()));
    } catch (InvalidSiteNameException | PierException e) {
      Flash.failed(flash, e);
      return "redirect:/";
    }
    model.addAttribute("caller", caller);
    model.addAttribute("dns", dns.of(name));
    return "site";
  }

  @GetMapping("/sites/{name}/settings")
  String settings(@PathVariable String name, Authentication auth, Model model, RedirectAttributes flash) {
    Caller caller = SecurityConfig.caller(auth);
    try {
      model.addAttribute("site", sites.get(caller, name));
    } catch (InvalidSiteNameException | PierException e) {
      Flash.failed(flash, e);
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
    } catch (InvalidSiteNameException | PierException e) {
      Flash.failed(flash, e);
    }
    return "redirect:/sites/" + name + "/settings";
  }

  @GetMapping("/sites/{name}/delete")
  String confirmDelete(@PathVariable String name, Authentication auth, Model model, RedirectAttributes flash) {
    Caller caller = SecurityConfig.caller(auth);
    Site site;
    try {
      site = sites.get(caller, name);
    } catch (InvalidSiteNameException | PierException e) {
      Flash.failed(flash, e);
      return "redirect:/";
    }
    model.addAttribute("caller", caller);
    model.addAttribute("site", row(site, edge.httpPort()));
    return "delete";
  }

  @PostMapping("/sites/{name}/delete")
  String delete(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    Flash.attempt(flash, () -> {
      sites.delete(SecurityConfig.caller(auth), name);
      return "Site " + name + " deleted.";
    });
    return "redirect:/";
  }

  private SiteRow row(Site s, int port) {
    return row(s, port, Map.of());
  }

  /** {@code current}: each image's current version, to tell a running site that a newer one waits for its restart. */
  private SiteRow row(Site s, int port, Map<String, String> current) {
    String name = s.name().value();
    return new SiteRow(name, urls.of(name, port), s.state().name(), badge(s.state()), s.ipv4(), s.owner(),
        s.lastError(), s.state() == SiteState.STOPPED || s.state() == SiteState.SLEEPING,
        s.state() == SiteState.RUNNING || s.state() == SiteState.SLEEPING || waitingToRestart(s),
        use(s), s.plan(),
        s.restarts() == 0 ? "" : "restarted " + s.restarts() + (s.restarts() == 1 ? " time" : " times")
            + (s.lastExit() == null ? "" : "; last " + s.lastExit()),
        s.image(), s.state() == SiteState.RUNNING && s.imageVersion() != null && current.containsKey(s.image())
            && !current.get(s.image()).isEmpty() && !current.get(s.image()).equals(s.imageVersion())
            ? "a newer version of its image is ready: stop and start the site to use it" : "");
  }

  /** A site whose container exited and that waits out its back-off before it is started again: it may be stopped. */
  private static boolean waitingToRestart(Site s) {
    return s.state() == SiteState.STARTING && s.wish() == SiteWish.RUNNING && s.lastError() != null;
  }

  /** The latest sample of a running site, as "12.5 MiB, 3 processes, 0.4% CPU"; empty otherwise. */
  private String use(Site s) {
    if (s.state() != SiteState.RUNNING) {
      return "";
    }
    return usage.summary(s.name());
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
}
