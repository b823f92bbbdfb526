package dev.pier.server.dns;

import dev.pier.server.security.SecurityConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The admins' DNS page: the settings in force and the records Pier keeps, each with its state. */
@Controller
class DnsPanelController {

  private final DnsService dns;

  DnsPanelController(DnsService dns) {
    this.dns = dns;
  }

  @GetMapping("/dns")
  String page(Authentication auth, Model model) {
    DnsApiController.requireAdmin(auth);
    model.addAttribute("caller", SecurityConfig.caller(auth));
    Map<String, String> settings = new LinkedHashMap<>();
    dns.describe().forEach((k, v) -> settings.put(k, v instanceof List<?> l ? String.join(", ", l.stream().map(String::valueOf).toList())
        : String.valueOf(v)));
    model.addAttribute("settings", settings);
    model.addAttribute("names", dns.states());
    return "dns";
  }
}
