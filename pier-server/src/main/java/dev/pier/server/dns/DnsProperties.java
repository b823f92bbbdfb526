package dev.pier.server.dns;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sites' names in DNS ({@code pier.dns.*}). Checked here for what needs nothing else; {@link DnsSettings} checks the
 * rest against the domain and the host.
 *
 * @param mode          {@code off}, {@code rfc2136} (dynamic updates to {@code server}) or {@code embedded} (Pier answers
 *                      for the zone itself); empty: {@code rfc2136} when a server is given, else {@code off}
 * @param server        the zone's primary server for updates, {@code HOST[:PORT]} ({@code [IPv6]:PORT}); port 53 by default
 * @param zone          the zone Pier keeps its names in (empty: the domain); the domain must lie in it
 * @param tsigKey       the key file updates are signed with, as {@code tsig-keygen} writes it
 * @param records       {@code address} (A and AAAA records for {@code addresses}) or {@code cname} (each name a CNAME to
 *                      the domain, whose own addresses stay the operator's unless Pier made them)
 * @param addresses     the host's public addresses (empty: detected at start, and printed)
 * @param ttl           the records' time to live
 * @param port          the embedded server's port (UDP and TCP)
 * @param listen        the addresses the embedded server listens on (empty: every address, IPv4 and IPv6)
 * @param nameservers   the zone's name servers, the embedded server's NS records (empty: {@code ns1.ZONE}); one inside
 *                      the zone gets {@code addresses}
 * @param secondaries   the secondary servers' addresses ({@code IP} or {@code IP:PORT}, {@code [IPv6]:PORT}) that may
 *                      transfer the embedded zone (AXFR) and are told of each change (NOTIFY)
 * @param checkInterval how often the zone is compared with what it should hold, and mended
 * @param retryMin      the wait before the first retry of a name the server did not take; it doubles each time ...
 * @param retryMax      ... up to this
 * @param timeout       how long one exchange with the DNS server may take
 */
@ConfigurationProperties("pier.dns")
public record DnsProperties(String mode, String server, String zone, Path tsigKey, String records, List<String> addresses, Duration ttl,
    int port, List<String> listen, List<String> nameservers, List<String> secondaries, Duration checkInterval, Duration retryMin,
    Duration retryMax, Duration timeout) {

  public static final List<String> MODES = List.of("off", "rfc2136", "embedded");
  public static final List<String> RECORD_KINDS = List.of("address", "cname");

  public DnsProperties {
    server = server == null ? "" : server.strip();
    mode = mode == null || mode.isBlank() ? (server.isEmpty() ? "off" : "rfc2136") : mode.strip().toLowerCase(Locale.ROOT);
    if (!MODES.contains(mode)) {
      throw new IllegalArgumentException("pier.dns.mode \"" + mode + "\" is none of " + String.join(", ", MODES)
          + " (--dns embedded serves the zone from Pier; --dns-server HOST updates a server of your own)");
    }
    zone = zone == null ? "" : zone.strip();
    records = records == null || records.isBlank() ? "address" : records.strip().toLowerCase(Locale.ROOT);
    if (!RECORD_KINDS.contains(records)) {
      throw new IllegalArgumentException("pier.dns.records \"" + records + "\" is none of " + String.join(", ", RECORD_KINDS));
    }
    addresses = clean(addresses);
    listen = clean(listen);
    nameservers = clean(nameservers);
    secondaries = clean(secondaries);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("pier.dns.port " + port + " is not a port: use 1-65535");
    }
    for (Duration d : new Duration[] {ttl, checkInterval, retryMin, retryMax, timeout}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("pier.dns.ttl, check-interval, retry-min, retry-max and timeout must all be more than 0");
      }
    }
    if (retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException("pier.dns.retry-max " + retryMax + " is less than retry-min " + retryMin);
    }
    if (ttl.toSeconds() > 86400) {
      throw new IllegalArgumentException("pier.dns.ttl " + ttl + " is over a day: sites' names would linger long after a change");
    }
    if (mode.equals("rfc2136") && server.isEmpty()) {
      throw new IllegalArgumentException("pier.dns.mode rfc2136 needs the server to update: --dns-server HOST[:PORT]");
    }
    if (mode.equals("rfc2136") && (tsigKey == null || tsigKey.toString().isBlank())) {
      throw new IllegalArgumentException("--dns-server " + server + " needs the key updates are signed with: --dns-tsig-key FILE"
          + " (as tsig-keygen writes it); Pier sends no unsigned update");
    }
  }

  /** Whether Pier keeps names in DNS at all. */
  public boolean enabled() {
    return !mode.equals("off");
  }

  public boolean embedded() {
    return mode.equals("embedded");
  }

  private static List<String> clean(List<String> values) {
    return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
  }
}
