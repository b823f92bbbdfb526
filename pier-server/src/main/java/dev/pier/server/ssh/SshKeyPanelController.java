package dev.pier.server.ssh;

import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.web.Flash;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The Keys page: the caller's SSH keys for SFTP and git, and how to reach the SSH server. */
@Controller
class SshKeyPanelController {

  private final SshKeyService keys;
  private final SshServerLifecycle ssh;

  SshKeyPanelController(SshKeyService keys, SshServerLifecycle ssh) {
    this.keys = keys;
    this.ssh = ssh;
  }

  @GetMapping("/keys")
  String page(Authentication auth, Model model, HttpServletRequest request) {
    Caller caller = SecurityConfig.caller(auth);
    model.addAttribute("caller", caller);
    model.addAttribute("keys", keys.list(caller));
    model.addAttribute("sshPort", ssh.port());
    model.addAttribute("fingerprint", ssh.fingerprint());
    model.addAttribute("host", request.getServerName());
    return "keys";
  }

  @PostMapping("/keys")
  String add(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String key, Authentication auth,
      RedirectAttributes flash) {
    try {
      SshKey k = keys.add(SecurityConfig.caller(auth), name, key);
      flash.addFlashAttribute("success", "Key " + k.name() + " added (" + k.fingerprint() + ").");
    } catch (PierException e) {
      Flash.failed(flash, e);
    }
    return "redirect:/keys";
  }

  @PostMapping("/keys/{id}/delete")
  String delete(@PathVariable long id, Authentication auth, RedirectAttributes flash) {
    try {
      keys.delete(SecurityConfig.caller(auth), id);
      flash.addFlashAttribute("success", "Key removed: it no longer logs in.");
    } catch (PierException e) {
      Flash.failed(flash, e);
    }
    return "redirect:/keys";
  }
}
