package dev.pier.server.content;

import dev.pier.engine.content.WebFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * A site's live files, {@code /api/v1/sites/{name}/files/PATH}: GET a folder for its entries (JSON) or a file for
 * its bytes; PUT a file's bytes (made or replaced whole, its folders made as needed); POST {@code {"type":"folder"}}
 * to make a folder; PATCH {@code {"path":"/new/place"}} to rename or move; DELETE a file or a folder with all it holds.
 */
@RestController
@RequestMapping("/api/v1/sites/{name}/files")
class FileApiController {

  record EntryJson(String name, String path, String type, long size, Instant modified) {
    static EntryJson of(WebFiles.Entry e) {
      return new EntryJson(e.name(), e.path().toString(), e.kind().name().toLowerCase(Locale.ROOT), e.size(), e.modified());
    }
  }

  record FolderJson(String path, List<EntryJson> entries) {}

  record Change(String type, String path) {}

  private final FileService files;
  private final SiteService sites;
  private final Uploads uploads;

  FileApiController(FileService files, SiteService sites, Uploads uploads) {
    this.files = files;
    this.sites = sites;
    this.uploads = uploads;
  }

  @GetMapping({"", "/{*path}"})
  void get(@PathVariable String name, @PathVariable(required = false) String path, HttpServletResponse response, Authentication auth)
      throws IOException {
    Caller caller = SecurityConfig.caller(auth);
    FileService.Listing found = files.look(caller, name, path);
    WebFiles.Entry e = found.entry();
    if (e.kind() == WebFiles.Kind.FOLDER) {
      List<EntryJson> entries = found.entries().stream().map(EntryJson::of).toList();
      response.setContentType("application/json");
      response.getWriter().write(JSON.writeValueAsString(new FolderJson(e.path().toString(), entries)));
      return;
    }
    try (Uploads.Spooled copy = files.copy(caller, name, path); InputStream in = Files.newInputStream(copy.file());
        OutputStream out = response.getOutputStream()) {
      response.setContentType(MediaTypeFactory.getMediaType(e.name()).map(Object::toString).orElse("application/octet-stream"));
      response.setContentLengthLong(Files.size(copy.file()));
      response.setHeader("Content-Disposition", ContentDisposition.attachment().filename(e.name(), StandardCharsets.UTF_8)
          .build().toString());
      response.setHeader("X-Content-Type-Options", "nosniff");
      in.transferTo(out);
    }
  }

  @PutMapping("/{*path}")
  ResponseEntity<EntryJson> put(@PathVariable String name, @PathVariable String path, HttpServletRequest request, Authentication auth)
      throws IOException {
    Caller caller = SecurityConfig.caller(auth);
    Site site = sites.get(caller, name);
    try (Uploads.Spooled body = uploads.receive(site, request.getInputStream(), request.getContentLengthLong(), site.web().bodyLimit(),
        "the file"); InputStream in = Files.newInputStream(body.file())) {
      FileService.Written written = files.write(caller, name, path, in);
      EntryJson e = EntryJson.of(written.entry());
      return written.created() ? ResponseEntity.created(URI.create("/api/v1/sites/" + name + "/files" + e.path())).body(e) : ResponseEntity.ok(e);
    }
  }

  @PostMapping("/{*path}")
  ResponseEntity<EntryJson> post(@PathVariable String name, @PathVariable String path, @RequestBody Change change, Authentication auth) {
    if (change == null || !"folder".equals(change.type())) {
      throw PierException.invalid("Unknown change", "POST {\"type\":\"folder\"} makes a folder; PUT a file's bytes to write it");
    }
    EntryJson e = EntryJson.of(files.makeFolder(SecurityConfig.caller(auth), name, path));
    return ResponseEntity.created(URI.create("/api/v1/sites/" + name + "/files" + e.path())).body(e);
  }

  @PatchMapping("/{*path}")
  EntryJson patch(@PathVariable String name, @PathVariable String path, @RequestBody Change change, Authentication auth) {
    if (change == null || change.path() == null || change.path().isBlank()) {
      throw PierException.invalid("Missing path", "PATCH {\"path\":\"/new/place\"} renames or moves; give the new path");
    }
    return EntryJson.of(files.move(SecurityConfig.caller(auth), name, path, change.path()));
  }

  @DeleteMapping("/{*path}")
  ResponseEntity<Void> delete(@PathVariable String name, @PathVariable String path, Authentication auth) {
    files.delete(SecurityConfig.caller(auth), name, path);
    return ResponseEntity.noContent().build();
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
}
