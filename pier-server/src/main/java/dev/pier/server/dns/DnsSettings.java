package dev.pier.server.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The DNS settings in force, checked against the domain and the host: {@link #of} turns {@link DnsProperties} into this
 * or says, in one sentence, what is wrong.
 *
 * @param detected whether the addresses were detected (not given)
 */
public record DnsSettings(DnsProperties props, ZonePlan plan, TsigKeyFile key, Path keyFile, InetSocketAddress server,
    List<Name> nameservers, Map<Name, List<InetAddress>> glue, List<InetSocketAddress> secondaries, List<InetAddress> listen,
    boolean detected) {

  /**
   * @param domain   Pier's domain
   * @param instance this Pier's name on the host
   * @param detect   the host's public addresses, asked only when none are given
   * @throws IllegalArgumentException saying which setting is wrong and how
   */
  public static DnsSettings of(DnsProperties p, String domain, String instance, Supplier<List<InetAddress>> detect) {
    Name domainName = absolute(domain, "pier.domain");
    Name zone = p.zone().isEmpty() ? domainName : absolute(p.zone(), "pier.dns.zone");
    if (!domainName.subdomain(zone)) {
      throw new IllegalArgumentException("the domain " + domain + " is not in the DNS zone " + p.zone() + " (--dns-zone): give the domain"
          + " or a zone it lies in");
    }
    List<InetAddress> addresses = new ArrayList<>();
    for (String a : p.addresses()) {
      addresses.add(literal(a, "pier.dns.addresses"));
    }
    boolean detected = addresses.isEmpty();
    if (detected) {
      addresses.addAll(detect.get());
    }
    if (addresses.isEmpty() && (p.embedded() || p.records().equals("address"))) {
      throw new IllegalArgumentException("this host has no public address for the DNS records: give them with --dns-addresses"
          + " (say 203.0.113.7,2001:db8::7)");
    }
    TsigKeyFile key = null;
    Path keyFile = p.tsigKey();
    InetSocketAddress server = null;
    if (p.mode().equals("rfc2136")) {
      server = hostPort(p.server(), 53, "pier.dns.server", false);
      String text;
      try {
        text = Files.readString(keyFile);
      } catch (IOException e) {
        throw new IllegalArgumentException("the TSIG key file " + keyFile + " (--dns-tsig-key) cannot be read: " + e.getMessage());
      }
      try {
        key = TsigKeyFile.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the TSIG key file " + keyFile + " (--dns-tsig-key) is not usable: " + e.getMessage());
      }
    }
    List<Name> ns = new ArrayList<>();
    Map<Name, List<InetAddress>> glue = new LinkedHashMap<>();
    for (String n : p.nameservers()) { // NAME (this host, if in the zone) or NAME=IP (a secondary's, say)
      int eq = n.indexOf('=');
      Name name = absolute(eq < 0 ? n : n.substring(0, eq).strip(), "pier.dns.nameservers");
      if (!ns.contains(name)) {
        ns.add(name);
      }
      if (eq >= 0) {
        glue.computeIfAbsent(name, k -> new ArrayList<>()).add(literal(n.substring(eq + 1).strip(), "pier.dns.nameservers"));
      }
    }
    List<InetSocketAddress> secondaries = new ArrayList<>();
    for (String s : p.secondaries()) {
      secondaries.add(hostPort(s, 53, "pier.dns.secondaries", true));
    }
    List<InetAddress> listen = new ArrayList<>();
    for (String l : p.listen()) {
      listen.add(literal(l, "pier.dns.listen"));
    }
    ZonePlan plan = new ZonePlan(zone, domainName, p.records().equals("cname"), addresses, p.ttl().toSeconds(), instance);
    return new DnsSettings(p, plan, key, keyFile, server, List.copyOf(ns), Map.copyOf(glue), List.copyOf(secondaries), List.copyOf(listen),
        detected);
  }

  public Duration checkInterval() {
    return props.checkInterval();
  }

  public Duration retryMin() {
    return props.retryMin();
  }

  public Duration retryMax() {
    return props.retryMax();
  }

  private static Name absolute(String name, String setting) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(setting + " \"" + name + "\" is not a DNS name");
    }
  }

  /** An IP address as written (never a name looked up). */
  static InetAddress literal(String a, String setting) {
    String s = a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
    if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      throw new IllegalArgumentException(setting + ": \"" + a + "\" is not an IP address");
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(setting + ": \"" + a + "\" is not an IP address");
    }
  }

  /** {@code HOST}, {@code HOST:PORT}, {@code IPv6} or {@code [IPv6]:PORT}; a host name is looked up now, unless only an address will do. */
  static InetSocketAddress hostPort(String value, int defaultPort, String setting, boolean addressOnly) {
    String host = value;
    int port = defaultPort;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(setting + ": \"" + value + "\" has no closing ]");
      }
      host = value.substring(1, close);
      if (close + 1 < value.length()) {
        if (value.charAt(close + 1) != ':') {
          throw new IllegalArgumentException(setting + ": \"" + value + "\" is not [IPv6]:PORT");
        }
        port = port(value.substring(close + 2), value, setting);
      }
    } else if (value.indexOf(':') >= 0 && value.indexOf(':') == value.lastIndexOf(':')) {
      host = value.substring(0, value.indexOf(':'));
      port = port(value.substring(value.indexOf(':') + 1), value, setting);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(setting + ": \"" + value + "\" names no host");
    }
    if (addressOnly) {
      return new InetSocketAddress(literal(host, setting), port);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(setting + ": the host \"" + host + "\" is not known");
    }
  }

  private static int port(String s, String value, String setting) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(setting + ": \"" + value + "\" has no usable port (1-65535)");
  }
}
