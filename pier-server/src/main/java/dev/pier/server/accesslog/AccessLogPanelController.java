package dev.pier.server.accesslog;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.SiteService;
import dev.pier.server.web.ErrorStatus;
import dev.pier.server.web.Flash;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;

/** {@code /sites/{name}/access-log} in the panel: the end of a site's access log as text (the sites page links it). */
@Controller
class AccessLogPanelController {

  private final SiteService sites;
  private final AccessLogs logs;

  AccessLogPanelController(SiteService sites, AccessLogs logs) {
    this.sites = sites;
    this.logs = logs;
  }

  @GetMapping(value = "/sites/{name}/access-log", produces = "text/plain;charset=UTF-8")
  @ResponseBody
  ResponseEntity<String> accessLog(@PathVariable String name, Authentication auth) {
    try {
      String text = logs.read(sites.get(SecurityConfig.caller(auth), name).name(), 256 << 10);
      return ResponseEntity.ok(text.isEmpty() ? "No requests yet.\n" : text);
    } catch (InvalidSiteNameException | PierException e) {
      return ResponseEntity.status(e instanceof PierException pe ? ErrorStatus.of(pe.kind()) : HttpStatus.NOT_FOUND)
          .body(Flash.sentence(e.getMessage()) + "\n");
    }
  }
}
