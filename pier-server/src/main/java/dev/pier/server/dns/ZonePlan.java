package dev.pier.server.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What the zone should hold for Pier's names: the domain (the panel), {@code www} and every site. Pure.
 *
 * <p>With {@code address} records each name has an A and an AAAA record per public address; with {@code cname} each
 * name but the domain is a CNAME to the domain, as the brief wrote by hand. Every name Pier keeps on a server of its own
 * carries a marker beside it, {@code _pier.NAME TXT "pier instance=INSTANCE domain=DOMAIN"} (beside, not at the name: a
 * CNAME's name holds nothing else), so Pier changes only the names it made, and one Pier never another's (another
 * instance on the host, or a Pier of another domain in the same zone).
 *
 * @param zone      the zone's apex
 * @param domain    Pier's domain: the panel's name, the sites' parent; in the zone
 * @param cname     whether the names are CNAMEs to the domain
 * @param addresses the host's public addresses (the domain's A and AAAA)
 * @param ttl       the records' time to live, in seconds
 * @param instance  this Pier's name on the host, in its markers
 */
public record ZonePlan(Name zone, Name domain, boolean cname, List<InetAddress> addresses, long ttl, String instance) {

  /** The label the markers hang under. */
  static final String MARKER_LABEL = "_pier";
  /** Where DNS-01 answers go, under the domain. */
  static final String CHALLENGE_LABEL = "_acme-challenge";
  /** The types Pier sets at a name: any other is somebody else's. */
  static final int[] TYPES = {Type.A, Type.AAAA, Type.CNAME};

  public ZonePlan {
    if (!domain.subdomain(zone)) {
      throw new IllegalArgumentException("the domain " + domain + " is not in the zone " + zone);
    }
    addresses = List.copyOf(addresses);
  }

  /** A name in Pier's domain: {@code label.DOMAIN}; the domain itself for null. */
  public Name name(String label) {
    try {
      return label == null ? domain : Name.concatenate(Name.fromString(label), domain);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException("\"" + label + "\" is no DNS label", e);
    }
  }

  /** The name a site is served at. */
  public Name site(String site) {
    return name(site);
  }

  /** The names Pier keeps for these sites: the domain, {@code www}, then the sites', sorted. */
  public List<Name> names(Collection<String> sites) {
    List<Name> out = new ArrayList<>();
    if (!wanted(domain).isEmpty()) { // (with CNAMEs and no address known, the domain's own records are the operator's)
      out.add(domain);
    }
    out.add(name("www"));
    for (String s : new TreeSet<>(sites)) {
      out.add(site(s));
    }
    return out;
  }

  /** The records {@code name} should have: empty when Pier has nothing to put there (no address known for the domain). */
  public List<Record> wanted(Name name) {
    List<Record> out = new ArrayList<>();
    if (cname && !name.equals(domain)) {
      out.add(new CNAMERecord(name, DClass.IN, ttl, domain));
      return out;
    }
    for (InetAddress a : addresses) {
      out.add(a instanceof Inet4Address ? new ARecord(name, DClass.IN, ttl, a) : new AAAARecord(name, DClass.IN, ttl, a));
    }
    return out;
  }

  /** Where the marker of {@code name} lies. */
  public Name markerName(Name name) {
    try {
      return Name.concatenate(Name.fromString(MARKER_LABEL), name);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException(name + " is too long for a marker beside it", e);
    }
  }

  /** The marker saying that this Pier made {@code name}'s records. */
  public TXTRecord marker(Name name) {
    return marker(name, ttl);
  }

  /** The marker with another TTL (0 in an update's prerequisite, as RFC 2136 wants). */
  TXTRecord marker(Name name, long ttl) {
    return new TXTRecord(markerName(name), DClass.IN, ttl, "pier instance=" + instance + " domain=" + domain.toString(true));
  }

  /** Where DNS-01 answers for the domain and {@code *.DOMAIN} go. */
  public Name challengeName() {
    return name(CHALLENGE_LABEL);
  }

  /** A DNS-01 answer as a record (a short TTL: the CA reads it once). */
  public TXTRecord challenge(String value) {
    return new TXTRecord(challengeName(), DClass.IN, 60, value);
  }

  /**
   * The whole zone, as the embedded server serves it: the SOA ({@code serial}), the name servers (those inside the zone
   * with their {@code glue} addresses, or else this host's), Pier's names and the DNS-01 answers being checked.
   */
  public List<Record> zone(Collection<String> sites, List<Name> nameservers, Map<Name, List<InetAddress>> glue, long serial,
      Collection<String> challenges) {
    List<Name> ns = nameservers.isEmpty() ? List.of(nameInZone("ns1")) : nameservers;
    Map<String, Record> out = new LinkedHashMap<>();
    Name mbox = nameInZone("hostmaster");
    add(out, new SOARecord(zone, DClass.IN, ttl, ns.getFirst(), mbox, serial, 3600, 600, 1209600, Math.min(ttl, 300)));
    for (Name n : ns) {
      add(out, new NSRecord(zone, DClass.IN, ttl, n));
    }
    for (Name n : ns) {
      if (n.subdomain(zone)) {
        for (InetAddress a : glue.getOrDefault(n, addresses)) {
          add(out, a instanceof Inet4Address ? new ARecord(n, DClass.IN, ttl, a) : new AAAARecord(n, DClass.IN, ttl, a));
        }
      }
    }
    for (Name n : names(sites)) {
      for (Record r : wanted(n)) {
        add(out, r);
      }
    }
    for (String c : challenges) {
      add(out, challenge(c));
    }
    return List.copyOf(out.values());
  }

  /** A record as a zone file's line, IPv6 addresses in their short form: {@code blog.example.org. 300 IN AAAA 2001:db8::7}. */
  public static String line(Record r) {
    String data = r instanceof AAAARecord six ? shortForm(six.getAddress().getAddress()) : r.rdataToString();
    return r.getName() + " " + r.getTTL() + " IN " + Type.string(r.getType()) + " " + data;
  }

  /** An IPv6 address in RFC 5952's form: lowercase, the longest run of two or more zero groups as {@code ::}. Pure. */
  static String shortForm(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = (a[2 * i] & 0xff) << 8 | a[2 * i + 1] & 0xff;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLength - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(g[i]));
    }
    return b.toString();
  }

  private static void add(Map<String, Record> out, Record r) {
    out.putIfAbsent(r.toString(), r);
  }

  private Name nameInZone(String label) {
    try {
      return Name.concatenate(Name.fromString(label), zone);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
