package dev.pier.server.ssh;

import dev.pier.server.security.SecurityConfig;
import java.net.URI;
import java.time.Instant;
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

/** The caller's SSH keys, {@code /api/v1/keys}: POST {@code {"name", "key"}} adds one, DELETE removes it. */
@RestController
@RequestMapping("/api/v1/keys")
class SshKeyApiController {

  record NewKey(String name, String key) {}

  record KeyJson(long id, String name, String fingerprint, String key, Instant createdAt) {
    static KeyJson of(SshKey k) {
      return new KeyJson(k.id(), k.name(), k.fingerprint(), k.publicKey(), k.createdAt());
    }
  }

  private final SshKeyService keys;

  SshKeyApiController(SshKeyService keys) {
    this.keys = keys;
  }

  @GetMapping
  List<KeyJson> list(Authentication auth) {
    return keys.list(SecurityConfig.caller(auth)).stream().map(KeyJson::of).toList();
  }

  @PostMapping
  ResponseEntity<KeyJson> add(@RequestBody NewKey body, Authentication auth) {
    SshKey k = keys.add(SecurityConfig.caller(auth), body == null ? null : body.name(), body == null ? null : body.key());
    return ResponseEntity.created(URI.create("/api/v1/keys/" + k.id())).body(KeyJson.of(k));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable long id, Authentication auth) {
    keys.delete(SecurityConfig.caller(auth), id);
    return ResponseEntity.noContent().build();
  }
}
