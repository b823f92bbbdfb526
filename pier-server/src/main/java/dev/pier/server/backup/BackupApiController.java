package dev.pier.server.backup;

import dev.pier.server.common.PierException;
import dev.pier.server.content.Uploads;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** A site's backups, {@code /api/v1/sites/{name}/backups}: back it up now, list its backups. */
@RestController
@RequestMapping("/api/v1/sites/{name}/backups")
class BackupApiController {

  /**
   * The most bytes an uploaded backup may unpack to: eight times what its archive may take, and never more than the
   * host's disk has free beyond a reserve of 1 GiB (it is unpacked there before it is copied onto the site's).
   */
  private long unpackLimit(Site site) throws IOException {
    java.nio.file.Path tmp = backups.staging();
    java.nio.file.Files.createDirectories(tmp);
    long free = java.nio.file.Files.getFileStore(tmp).getUsableSpace() - (1L << 30);
    return Math.max(0, Math.min(8 * site.web().bodyLimit(), free));
  }

  /** The most files and folders an uploaded backup may hold. */
  static final int MAX_ENTRIES = 200_000;

  private final SiteBackups backups;
  private final SiteRestores restores;
  private final SiteService sites;
  private final Uploads uploads;

  BackupApiController(SiteBackups backups, SiteRestores restores, SiteService sites, Uploads uploads) {
    this.backups = backups;
    this.restores = restores;
    this.sites = sites;
    this.uploads = uploads;
  }

  /**
   * Restores the backup archive in the body ({@code application/gzip}: a download's .tar.gz, from this Pier or
   * another) into the site in place, after every check a published archive gets; 400 saying why, changing nothing,
   * when it is not one.
   */
  @PostMapping("/restore")
  SiteRestores.Restored restoreArchive(@PathVariable String name, HttpServletRequest request, Authentication auth) throws IOException {
    var caller = SecurityConfig.caller(auth);
    if (request.getContentType() == null || !MediaType.parseMediaType(request.getContentType()).isCompatibleWith(MediaType.parseMediaType("application/gzip"))) {
      throw PierException.invalid("Not a backup archive", "send the backup's .tar.gz as the body with Content-Type application/gzip");
    }
    Site site = sites.get(caller, name);
    try (Uploads.Spooled archive = uploads.receive(site, request.getInputStream(), request.getContentLengthLong(), site.web().bodyLimit(),
        "the backup archive")) {
      return restores.restoreArchive(caller, name, archive.file(), unpackLimit(site), MAX_ENTRIES);
    }
  }

  /** Backs the site up now: 201 with the backup, once its snapshot is written and listed. */
  @PostMapping
  ResponseEntity<SiteBackups.Backup> backUp(@PathVariable String name, Authentication auth) {
    SiteBackups.Backup b = backups.backup(SecurityConfig.caller(auth), name);
    return ResponseEntity.created(URI.create("/api/v1/sites/" + name + "/backups/" + b.id())).body(b);
  }

  /**
   * Restores backup {@code id} in place (body {@code {}}): the state just before is backed up first, the site comes
   * back with the backup's live release and data, running if it ran. With {@code {"to": "NEWNAME"}}: into a new site,
   * the caller's, on the backup's image and plan, stopped.
   */
  @PostMapping("/{id}/restore")
  SiteRestores.Restored restore(@PathVariable String name, @PathVariable String id, @RequestBody(required = false) RestoreTo body,
      Authentication auth) {
    return restores.restore(SecurityConfig.caller(auth), name, id, body == null || body.to() == null || body.to().isBlank() ? null : body.to());
  }

  /** Where to restore: {@code to} names a new site, the caller's; none: in place. */
  record RestoreTo(String to) {}

  /** Backup {@code id} as a .tar.gz to keep: {@code manifest.json}, {@code release/}, {@code data/}. */
  @GetMapping("/{id}/archive")
  ResponseEntity<StreamingResponseBody> archive(@PathVariable String name, @PathVariable String id, Authentication auth) {
    var caller = SecurityConfig.caller(auth);
    backups.find(caller, name, id); // 404 before the body starts: a site the caller may not see, a backup it has not
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
