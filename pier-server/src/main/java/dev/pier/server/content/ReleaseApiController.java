package dev.pier.server.content;

import dev.pier.engine.content.ArchiveFormat;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A site's releases, {@code /api/v1/sites/{name}/releases}: publish an archive (the request body, its
 * {@code Content-Type} saying which kind), list them, make one live again.
 */
@RestController
@RequestMapping("/api/v1/sites/{name}/releases")
class ReleaseApiController {

  private final ReleaseService releases;
  private final SiteService sites;
  private final Uploads uploads;

  ReleaseApiController(ReleaseService releases, SiteService sites, Uploads uploads) {
    this.releases = releases;
    this.sites = sites;
    this.uploads = uploads;
  }

  /**
   * Publishes the body, a zip ({@code application/zip}), tar ({@code application/x-tar}) or .tar.gz
   * ({@code application/gzip}), as the site's new live release: 201 with the release.
   */
  @PostMapping
  ResponseEntity<ReleaseJson> publish(@PathVariable String name, HttpServletRequest request, Authentication auth) throws IOException {
    Caller caller = SecurityConfig.caller(auth);
    ArchiveFormat format = ArchiveFormat.ofMediaType(request.getContentType()).orElseThrow(() -> PierException.invalid("Not an archive",
        "send the archive as the body with Content-Type application/zip, application/x-tar or application/gzip (a .tar.gz), not "
            + (request.getContentType() == null ? "none" : "\"" + request.getContentType() + "\"")));
    Site site = sites.get(caller, name);
    try (Uploads.Spooled archive = uploads.receive(site, request.getInputStream(), request.getContentLengthLong(), site.web().bodyLimit(),
        "the archive")) {
      Release r = releases.publish(caller, name, archive.file(), format, "upload");
      return ResponseEntity.created(URI.create("/api/v1/sites/" + name + "/releases/" + r.id())).body(ReleaseJson.of(r));
    }
  }

  /** The site's releases, newest first; {@code active} marks the live one. */
  @GetMapping
  List<ReleaseJson> list(@PathVariable String name, Authentication auth) {
    return releases.list(SecurityConfig.caller(auth), name).stream().map(ReleaseJson::of).toList();
  }

  /** Makes release {@code id} live again: a rollback, or forward. */
  @PostMapping("/{id}/activate")
  ReleaseJson activate(@PathVariable String name, @PathVariable long id, Authentication auth) {
    return ReleaseJson.of(releases.activate(SecurityConfig.caller(auth), name, id));
  }
}
