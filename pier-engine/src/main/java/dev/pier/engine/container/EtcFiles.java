package dev.pier.engine.container;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files Pier writes into each container's /etc so that nothing inside waits on a resolver it cannot reach:
 * the hostname, a hosts file naming the site and localhost, and a resolv.conf that fails fast. Pure.
 */
public final class EtcFiles {

  private EtcFiles() {}

  /** Path inside the container (without leading slash) to content. */
  public static Map<String, String> render(String hostname, String address) {
    String shortName = hostname.contains(".") ? hostname.substring(0, hostname.indexOf('.')) : hostname;
    Map<String, String> files = new LinkedHashMap<>();
    files.put("etc/hostname", hostname + "\n");
    files.put("etc/hosts", """
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        %s\t%s %s
        """.formatted(address, hostname, shortName));
    files.put("etc/resolv.conf", """
        # Written by Pier. Sites have no outbound DNS: names resolve from /etc/hosts.
        # The loopback resolver refuses at once, so lookups fail fast instead of waiting.
        nameserver 127.0.0.1
        options timeout:1 attempts:1
        """);
    return files;
  }
}
