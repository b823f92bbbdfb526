package dev.pier.server.image;

import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.security.SecurityConfig;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/images}: everyone reads the images; admins add Debian images ({@code POST}, answered 202 while
 * the build runs), change their packages ({@code PATCH}, a new build), rebuild them ({@code POST .../builds}),
 * read their latest build log ({@code GET .../log}) and delete them.
 */
@RestController
@RequestMapping("/api/v1/images")
class ImageApiController {

  record NewImage(String name, List<String> packages) {}

  record ImageChanges(List<String> packages) {}

  private final ImageService images;

  ImageApiController(ImageService images) {
    this.images = images;
  }

  @GetMapping
  List<ImageView> list() {
    return images.list();
  }

  @GetMapping("/{name}")
  ImageView get(@PathVariable String name) {
    return images.get(name);
  }

  @PostMapping
  ResponseEntity<ImageView> create(@RequestBody NewImage body, Authentication auth) {
    ImageView v = images.create(SecurityConfig.caller(auth), body == null ? null : body.name(), body == null ? null : body.packages());
    return ResponseEntity.accepted().location(URI.create("/api/v1/images/" + v.name())).body(v);
  }

  @PatchMapping("/{name}")
  ResponseEntity<ImageView> change(@PathVariable String name, @RequestBody ImageChanges body, Authentication auth) {
    if (body == null || body.packages() == null) {
      throw new PierException(Kind.INVALID, "Nothing to change",
          "send {\"packages\": [...]} to change the image's packages", null);
    }
    return ResponseEntity.accepted().body(images.changePackages(SecurityConfig.caller(auth), name, body.packages()));
  }

  @PostMapping("/{name}/builds")
  ResponseEntity<ImageView> rebuild(@PathVariable String name, Authentication auth) {
    return ResponseEntity.accepted().body(images.rebuild(SecurityConfig.caller(auth), name));
  }

  /** Plain text; refusals are problem details like everywhere else (so no fixed {@code produces} here). */
  @GetMapping("/{name}/log")
  ResponseEntity<String> log(@PathVariable String name, Authentication auth) {
    return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(images.buildLog(SecurityConfig.caller(auth), name));
  }

  @DeleteMapping("/{name}")
  ResponseEntity<Void> delete(@PathVariable String name, Authentication auth) {
    images.delete(SecurityConfig.caller(auth), name);
    return ResponseEntity.noContent().build();
  }
}
