package dev.pier.server.accesslog;

import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.SiteService;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/sites/{name}/access-log}: the end of a site's access log, for whoever may see the site. */
@RestController
class AccessLogApiController {

  private final SiteService sites;
  private final AccessLogs logs;

  AccessLogApiController(SiteService sites, AccessLogs logs) {
    this.sites = sites;
    this.logs = logs;
  }

  /** The end of the site's access log (combined format), as text: {@code bytes} from 1 to 1 MiB. */
  @GetMapping(value = "/api/v1/sites/{name}/access-log", produces = "text/plain;charset=UTF-8")
  String accessLog(@PathVariable String name, @RequestParam(defaultValue = "65536") int bytes, Authentication auth) {
    SiteService.checkLogSize(bytes);
    return logs.read(sites.get(SecurityConfig.caller(auth), name).name(), bytes);
  }
}
