package dev.pier.server.ssh;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** How to reach Pier's SSH server, {@code /api/v1/ssh}: its port and its host key's fingerprint (null: no server). */
@RestController
class SshApiController {

  record SshJson(int port, String hostKeyFingerprint) {}

  private final SshServerLifecycle ssh;

  SshApiController(SshServerLifecycle ssh) {
    this.ssh = ssh;
  }

  @GetMapping("/api/v1/ssh")
  SshJson get() {
    return new SshJson(ssh.port(), ssh.fingerprint());
  }
}
