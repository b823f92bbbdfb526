package dev.pier.server.backup;

import dev.pier.server.security.SecurityConfig;
import java.net.URI;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** A site's backups, {@code /api/v1/sites/{name}/backups}: back it up now, list its backups. */
@RestController
@RequestMapping("/api/v1/sites/{name}/backups")
class BackupApiController {

  private final SiteBackups backups;

  BackupApiController(SiteBackups backups) {
    this.backups = backups;
  }

  /** Backs the site up now: 201 with the backup, once its snapshot is written and listed. */
  @PostMapping
  ResponseEntity<SiteBackups.Backup> backUp(@PathVariable String name, Authentication auth) {
    SiteBackups.Backup b = backups.backup(SecurityConfig.caller(auth), name);
    return ResponseEntity.created(URI.create("/api/v1/sites/" + name + "/backups/" + b.id())).body(b);
  }

  /**
   * Restores backup {@code id} in place (body {@code {}}): the state just before is backed up first, the site comes
   * back with the backup's live release and data, running if it ran.
   */
  @PostMapping("/{id}/restore")
  SiteBackups.Restored restore(@PathVariable String name, @PathVariable String id, Authentication auth) {
    return backups.restore(SecurityConfig.caller(auth), name, id);
  }

  /** Backup {@code id} as a .tar.gz to keep: {@code manifest.json}, {@code release/}, {@code data/}. */
  @GetMapping("/{id}/archive")
  ResponseEntity<StreamingResponseBody> archive(@PathVariable String name, @PathVariable String id, Authentication auth) {
    var caller = SecurityConfig.caller(auth);
    backups.list(caller, name); // 404 before the body starts, for a site the caller may not see
    String file = name + "-" + (id.length() > 8 ? id.substring(0, 8) : id) + ".tar.gz";
    return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/gzip"))
        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file).build().toString())
        .body(out -> backups.archive(caller, name, id, out));
  }

  /** The site's backups, newest first. */
  @GetMapping
  List<SiteBackups.Backup> list(@PathVariable String name, Authentication auth) {
    return backups.list(SecurityConfig.caller(auth), name);
  }
}
