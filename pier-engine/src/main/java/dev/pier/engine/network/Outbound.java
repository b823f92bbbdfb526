package dev.pier.engine.network;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who may open connections out, and to where. Sites go out to public addresses only: never to the private,
 * loopback, link-local (cloud metadata), CGNAT or multicast ranges ({@link #PRIVATE}), unless an admin listed the
 * destination ({@code allowed}); the host's resolvers ({@code dns}) are reachable on port 53 wherever they are.
 *
 * @param sites   the addresses of the sites that may go out
 * @param allowed destinations an admin listed, addresses or CIDR blocks, reachable even in the private ranges
 * @param dns     the resolvers sites are given, reachable on port 53 only
 */
public record Outbound(Set<String> sites, Set<String> allowed, Set<String> dns) {

  /** IPv4 ranges no site reaches unless listed: this network, private, CGNAT, loopback, link-local, multicast and reserved. */
  public static final List<String> PRIVATE = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
      "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3");

  private static final Pattern OCTET = Pattern.compile("(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])");
  private static final Pattern ADDRESS = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final Pattern BLOCK = Pattern.compile(ADDRESS + "(/(3[0-2]|[12]?[0-9]))?");

  public Outbound {
    sites = checked(sites, ADDRESS, "an IPv4 address");
    allowed = checked(allowed, BLOCK, "an IPv4 address or CIDR block (such as 192.168.10.0/24)");
    dns = checked(dns, ADDRESS, "an IPv4 address");
  }

  /** Only these sites, to public addresses. */
  public static Outbound sites(Set<String> sites) {
    return new Outbound(sites, Set.of(), Set.of());
  }

  private static Set<String> checked(Set<String> values, Pattern form, String what) {
    Set<String> out = new TreeSet<>();
    for (String v : values == null ? Set.<String>of() : values) {
      String s = v.strip();
      if (!form.matcher(s).matches()) {
        throw new IllegalArgumentException("\"" + v + "\" is not " + what);
      }
      out.add(s);
    }
    return out;
  }
}
