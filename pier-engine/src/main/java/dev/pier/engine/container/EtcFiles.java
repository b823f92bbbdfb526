package dev.pier.engine.container;

import dev.pier.engine.network.ResolvConf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files Pier writes into each container's /etc so that nothing inside waits on a resolver it cannot reach:
 * the hostname, a hosts file naming the site and localhost, and a resolv.conf that fails fast, or, for a site
 * with outbound access, that names the host's own upstream resolvers. Pure.
 */
public final class EtcFiles {

  private EtcFiles() {}

  /** Path inside the container (without leading slash) to content. */
  public static Map<String, String> render(String hostname, String address) {
    return render(hostname, address, List.of());
  }

  /** @param nameservers the resolvers a site with outbound access asks (empty: none, names fail fast) */
  public static Map<String, String> render(String hostname, String address, List<String> nameservers) {
    String shortName = hostname.contains(".") ? hostname.substring(0, hostname.indexOf('.')) : hostname;
    Map<String, String> files = new LinkedHashMap<>();
    files.put("etc/hostname", hostname + "\n");
    files.put("etc/hosts", """
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        %s\t%s %s
        """.formatted(address, hostname, shortName));
    if (nameservers.isEmpty()) {
      files.put("etc/resolv.conf", """
          # Written by Pier. This site has no outbound DNS: names resolve from /etc/hosts.
          # The loopback resolver refuses at once, so lookups fail fast instead of waiting.
          nameserver 127.0.0.1
          options timeout:1 attempts:1
          """);
    } else {
      StringBuilder r = new StringBuilder("# Written by Pier: the host's resolvers, for this site's outbound connections.\n");
      nameservers.stream().limit(3).forEach(n -> r.append("nameserver ").append(n).append('\n'));
      r.append("options timeout:2 attempts:2\n");
      files.put("etc/resolv.conf", r.toString());
    }
    return files;
  }

  /**
   * The resolvers in a host's resolv.conf that a container can reach through the uplink: loopback ones (a local
   * stub such as systemd-resolved's 127.0.0.53) are left out, since a site cannot reach the host's loopback.
   */
  public static List<String> upstreamResolvers(String resolvConf) {
    return ResolvConf.parse(resolvConf);
  }
}
