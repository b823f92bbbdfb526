package dev.pier.server.api;

import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The sites API, {@code /api/v1/sites}: JSON, HTTP Basic against LDAP, errors as RFC 9457 problem details. */
@RestController
@RequestMapping("/api/v1/sites")
class SiteApiController {

  record CreateSite(String name, String plan, String image) {}

  /** Fields a PATCH may change; absent ones stay as they are. */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  record SiteChanges(String plan, String restartPolicy, Boolean httpsOnly, Boolean hsts, Long maxBodyBytes) {}

  private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

  private final SiteService sites;
  private final SiteUrls urls;
  private final EdgeLifecycle edge;
  private final dev.pier.server.site.UsageSampler sampler;
  private final dev.pier.server.accesslog.AccessLogs accessLogs;

  SiteApiController(SiteService sites, SiteUrls urls, EdgeLifecycle edge, dev.pier.server.site.UsageSampler sampler,
      dev.pier.server.accesslog.AccessLogs accessLogs) {
    this.accessLogs = accessLogs;
    this.sites = sites;
    this.urls = urls;
    this.edge = edge;
    this.sampler = sampler;
  }

  private SiteJson json(Site s) {
    return SiteJson.of(s, urls.of(s.name().value(), edge.httpPort()));
  }

  @GetMapping
  List<SiteJson> list(Authentication auth) {
    return sites.list(SecurityConfig.caller(auth)).stream().map(this::json).toList();
  }

  @PostMapping
  ResponseEntity<SiteJson> create(@RequestBody CreateSite body, Authentication auth) {
    Site s = sites.create(SecurityConfig.caller(auth), body == null ? null : body.name(), body == null ? null : body.plan(),
        body == null ? null : body.image());
    return ResponseEntity.created(URI.create("/api/v1/sites/" + s.name())).body(json(s));
  }

  @GetMapping("/{name}")
  SiteJson get(@PathVariable String name, Authentication auth) {
    return json(sites.get(SecurityConfig.caller(auth), name));
  }

  /**
   * Changes a site: {@code {"plan": "large"}} moves it to another plan and says when that took effect;
   * {@code {"restartPolicy": "never" | "on-failure" | "always"}} sets what happens when its container exits.
   */
  @org.springframework.web.bind.annotation.PatchMapping("/{name}")
  SiteJson change(@PathVariable String name, @RequestBody tools.jackson.databind.JsonNode raw, Authentication auth) {
    var caller = SecurityConfig.caller(auth);
    SiteChanges body = raw == null || !raw.isObject() ? null : JSON.treeToValue(raw, SiteChanges.class);
    // sleepAfterSeconds: a number turns sleeping on, null turns it off, absent leaves it as it is.
    boolean changeSleep = raw != null && raw.has("sleepAfterSeconds");
    if (changeSleep && !raw.get("sleepAfterSeconds").isNull() && !raw.get("sleepAfterSeconds").canConvertToInt()) {
      throw new dev.pier.server.site.SiteException(org.springframework.http.HttpStatus.BAD_REQUEST, "Invalid sleep time",
          "sleepAfterSeconds must be a whole number of seconds, or null for never", null);
    }
    Integer sleepAfter = changeSleep && !raw.get("sleepAfterSeconds").isNull() ? raw.get("sleepAfterSeconds").asInt() : null;
    if (changeSleep && sleepAfter != null && sleepAfter < SiteService.MIN_SLEEP_AFTER) {
      sites.changeWeb(caller, name, null, null, null, true, sleepAfter); // refused with the reason, nothing changed
    }
    if (body != null && body.restartPolicy() != null) {
      sites.checkRestartPolicy(body.restartPolicy()); // refuse the whole request before changing anything
    }
    if (body != null && body.maxBodyBytes() != null && (body.maxBodyBytes() < 0 || body.maxBodyBytes() > SiteService.MAX_BODY_LIMIT)) {
      sites.changeWeb(caller, name, null, null, body.maxBodyBytes()); // refused with the reason, nothing changed
    }
    SiteService.PlanChange change = body == null || body.plan() == null ? null : sites.changePlan(caller, name, body.plan());
    if (body != null && body.restartPolicy() != null) {
      sites.changeRestartPolicy(caller, name, body.restartPolicy());
    }
    if (changeSleep || body != null && (body.httpsOnly() != null || body.hsts() != null || body.maxBodyBytes() != null)) {
      sites.changeWeb(caller, name, body == null ? null : body.httpsOnly(), body == null ? null : body.hsts(),
          body == null ? null : body.maxBodyBytes(), changeSleep, sleepAfter);
    }
    SiteJson site = json(sites.get(caller, name));
    return change == null ? site : site.withPlanChange(change.applied(), change.reason());
  }

  @PostMapping("/{name}/start")
  SiteJson start(@PathVariable String name, Authentication auth) {
    return json(sites.start(SecurityConfig.caller(auth), name));
  }

  @PostMapping("/{name}/stop")
  SiteJson stop(@PathVariable String name, Authentication auth) {
    return json(sites.stop(SecurityConfig.caller(auth), name));
  }

  /**
   * The site's resource use: {@code now} (null when it does not run; {@code cpuCores} is null until two samples
   * exist), {@code diskBytes} of its own layer, its {@code limits}, and {@code lastHour} of samples.
   */
  @GetMapping("/{name}/usage")
  SiteService.UsageReport usage(@PathVariable String name, Authentication auth) {
    return sites.usage(SecurityConfig.caller(auth), name, sampler);
  }

  /** The site's console output (its server's stdout and stderr), newest last, as plain text. */
  /** The end of the site's access log (combined format), as text: {@code bytes} from 1 to 1 MiB. */
  @GetMapping(value = "/{name}/access-log", produces = "text/plain;charset=UTF-8")
  String accessLog(@PathVariable String name, @org.springframework.web.bind.annotation.RequestParam(defaultValue = "65536") int bytes,
      Authentication auth) {
    return sites.accessLog(SecurityConfig.caller(auth), name, bytes, accessLogs);
  }

  @GetMapping(value = "/{name}/logs", produces = "text/plain;charset=UTF-8")
  String logs(@PathVariable String name, @org.springframework.web.bind.annotation.RequestParam(defaultValue = "65536") int bytes,
      Authentication auth) {
    return sites.log(SecurityConfig.caller(auth), name, bytes);
  }

  @DeleteMapping("/{name}")
  ResponseEntity<Void> delete(@PathVariable String name, Authentication auth) {
    sites.delete(SecurityConfig.caller(auth), name);
    return ResponseEntity.noContent().build();
  }
}
