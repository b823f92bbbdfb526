package dev.pier.server.site;

import dev.pier.server.common.EdgeStatus;
import dev.pier.server.security.SecurityConfig;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The sites API, {@code /api/v1/sites}: JSON, HTTP Basic against LDAP, errors as RFC 9457 problem details. */
@RestController
@RequestMapping("/api/v1/sites")
class SiteApiController {

  record CreateSite(String name, String plan, String image) {}

  private final SiteService sites;
  private final SiteUrls urls;
  private final EdgeStatus edge;
  private final SiteDns dns;

  SiteApiController(SiteService sites, SiteUrls urls, EdgeStatus edge, SiteDns dns) {
    this.sites = sites;
    this.urls = urls;
    this.edge = edge;
    this.dns = dns;
  }

  private SiteJson json(Site s) {
    return SiteJson.of(s, urls.of(s.name().value(), edge.httpPort()), dns.of(s.name().value()));
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
   * Changes a site ({@link SitePatch}): {@code {"plan": "large"}} moves it to another plan and says when that took
   * effect; {@code restartPolicy}, {@code httpsOnly}, {@code hsts}, {@code maxBodyBytes} and
   * {@code sleepAfterSeconds} likewise. The whole body is checked before anything changes.
   */
  @PatchMapping("/{name}")
  SiteJson change(@PathVariable String name, @RequestBody JsonNode body, Authentication auth) {
    SiteService.Changed changed = sites.change(SecurityConfig.caller(auth), name, SitePatch.parse(body));
    SiteJson site = json(changed.site());
    return changed.planChange() == null ? site : site.withPlanChange(changed.planChange().applied(), changed.planChange().reason());
  }

  @PostMapping("/{name}/start")
  SiteJson start(@PathVariable String name, Authentication auth) {
    return json(sites.start(SecurityConfig.caller(auth), name));
  }

  @PostMapping("/{name}/stop")
  SiteJson stop(@PathVariable String name, Authentication auth) {
    return json(sites.stop(SecurityConfig.caller(auth), name));
  }

  /** The site's console output (its server's stdout and stderr), newest last, as plain text. */
  @GetMapping(value = "/{name}/logs", produces = "text/plain;charset=UTF-8")
  String logs(@PathVariable String name, @RequestParam(defaultValue = "65536") int bytes,
      Authentication auth) {
    return sites.log(SecurityConfig.caller(auth), name, bytes);
  }

  @DeleteMapping("/{name}")
  ResponseEntity<Void> delete(@PathVariable String name, Authentication auth) {
    sites.delete(SecurityConfig.caller(auth), name);
    return ResponseEntity.noContent().build();
  }
}
