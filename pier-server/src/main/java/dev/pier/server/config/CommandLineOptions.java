package dev.pier.server.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates {@code pier up}'s short options ({@code --data-dir DIR}, {@code --domain D}, {@code --http-port N}...)
 * into Spring properties ({@code --pier.data-dir=DIR}). Any {@code --pier.x=y} or other Spring option passes
 * through unchanged. Pure.
 */
public record CommandLineOptions(boolean help, List<String> springArgs) {

  /** Short option to property, with its help text. */
  static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

  static {
    OPTIONS.put("data-dir", new String[] {"pier.data-dir", "DIR", "where Pier keeps its database, images, sites and logs (/var/lib/pier)"});
    OPTIONS.put("domain", new String[] {"pier.domain", "DOMAIN", "the panel is at DOMAIN, each site at NAME.DOMAIN (localhost)"});
    OPTIONS.put("http-port", new String[] {"pier.edge.http-port", "PORT", "the edge's HTTP port, IPv4 and IPv6 (8080)"});
    OPTIONS.put("https-port", new String[] {"pier.edge.https-port", "PORT", "the edge's HTTPS port, IPv4 and IPv6 (8443; -1: none)"});
    OPTIONS.put("transport", new String[] {"pier.edge.transport", "NAME", "the edge's I/O: io_uring, epoll or nio; the next one down where missing (io_uring)"});
    OPTIONS.put("edge-threads", new String[] {"pier.edge.threads", "N", "the edge's event loops (0: half the cores, at least one)"});
    OPTIONS.put("acme-directory", new String[] {"pier.acme.directory", "URL", "certificates from this ACME CA instead of the internal one (none)"});
    OPTIONS.put("acme-email", new String[] {"pier.acme.email", "EMAIL", "contact address given to the ACME CA (none)"});
    OPTIONS.put("dns", new String[] {"pier.dns.mode", "MODE", "sites' names in DNS: off, embedded (Pier serves the zone) or rfc2136 (off)"});
    OPTIONS.put("dns-server", new String[] {"pier.dns.server", "HOST[:PORT]", "keep sites' names on this DNS server by RFC 2136 updates (none)"});
    OPTIONS.put("dns-zone", new String[] {"pier.dns.zone", "ZONE", "the zone the names go in (the domain)"});
    OPTIONS.put("dns-tsig-key", new String[] {"pier.dns.tsig-key", "FILE", "the TSIG key updates are signed with, as tsig-keygen writes it"});
    OPTIONS.put("dns-records", new String[] {"pier.dns.records", "KIND", "address (A and AAAA) or cname (a CNAME to the domain) (address)"});
    OPTIONS.put("dns-addresses", new String[] {"pier.dns.addresses", "IP,...", "the host's public addresses in the records (detected)"});
    OPTIONS.put("dns-port", new String[] {"pier.dns.port", "PORT", "the embedded DNS server's port, UDP and TCP (53)"});
    OPTIONS.put("dns-listen", new String[] {"pier.dns.listen", "IP,...", "the embedded DNS server's addresses (all)"});
    OPTIONS.put("dns-secondaries", new String[] {"pier.dns.secondaries", "IP,...", "secondaries that may transfer the embedded zone and get NOTIFY (none)"});
    OPTIONS.put("instance", new String[] {"pier.instance", "NAME", "this Pier's name on the host, for a second Pier beside it (pier)"});
    OPTIONS.put("bridge", new String[] {"pier.network.bridge", "NAME", "host bridge for the containers (pier0)"});
    OPTIONS.put("subnet", new String[] {"pier.network.subnet", "CIDR", "container network (10.1.1.0/24)"});
    OPTIONS.put("uplink", new String[] {"pier.network.uplink", "IFACE", "host interface to the internet, for plans with outbound access (none)"});
    OPTIONS.put("gateway", new String[] {"pier.network.gateway", "ADDRESS", "the bridge's address in it (10.1.1.254)"});
    OPTIONS.put("runtime", new String[] {"pier.engine.runtime", "NAME", "the OCI runtime: auto (crun with cgroup v2, else runc), runc or crun (auto)"});
    OPTIONS.put("stop-grace", new String[] {"pier.engine.stop-grace", "DURATION", "wait after SIGTERM before SIGKILL (10s)"});
    OPTIONS.put("sftp-port", new String[] {"pier.sftp.port", "PORT", "Pier's SSH server for SFTP and git push, every site on it (2222; -1: none)"});
    OPTIONS.put("ldap-url", new String[] {"pier.ldap.url", "URL", "an external LDAP server; empty runs the embedded one ()"});
  }

  public static CommandLineOptions parse(String[] args) {
    List<String> out = new ArrayList<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
        continue;
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument \"" + a + "\"");
      }
      String key = a.substring(2);
      String value = null;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      }
      String[] option = OPTIONS.get(key);
      if (option == null) {
        if (!key.contains(".")) {
          throw new IllegalArgumentException("unknown option \"--" + key + "\"");
        }
        out.add(a);
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option --" + key + " needs a value: --" + key + " " + option[1]);
        }
        value = args[++i];
      }
      out.add("--" + option[0] + "=" + value);
    }
    return new CommandLineOptions(help, out);
  }

  public static String usage() {
    StringBuilder b = new StringBuilder("Usage: pier up [OPTIONS]\n\nRuns Pier in the foreground: the edge, the panel and API, the embedded LDAP directory.\n\nOptions:\n");
    for (var e : OPTIONS.entrySet()) {
      String left = "  --" + e.getKey() + " " + e.getValue()[1];
      b.append(String.format("%-28s %s%n%-28s (property %s)%n", left, e.getValue()[2], "", e.getValue()[0]));
    }
    b.append("""
          --help                     this text

        Every option is also a Spring property (--pier.engine.ready-timeout=20s, PIER_DOMAIN=example.org, ...):
        see pier-server/src/main/resources/application.properties for all of them.
        """);
    return b.toString();
  }
}
