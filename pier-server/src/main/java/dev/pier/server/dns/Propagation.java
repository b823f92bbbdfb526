package dev.pier.server.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Waits until the zone's other name servers serve the DNS-01 answers too: an ACME CA may ask any of them, and a
 * secondary has them only once it has transferred the zone again. At most {@link #MOST}; then the CA is told anyway.
 */
final class Propagation {

  private static final Logger log = LoggerFactory.getLogger(Propagation.class);
  static final Duration MOST = Duration.ofMinutes(2);

  private Propagation() {}

  /** The zone's name servers as the primary has them, but the primary itself: port 53 of each address. */
  static List<InetSocketAddress> otherServers(DnsServerClient primary, ZonePlan plan) throws IOException {
    Set<InetSocketAddress> out = new LinkedHashSet<>();
    for (Record r : primary.query(plan.zone(), Type.NS)) {
      Name ns = ((NSRecord) r).getTarget();
      List<InetAddress> addresses = new ArrayList<>();
      if (ns.subdomain(plan.zone())) {
        for (int type : new int[] {Type.A, Type.AAAA}) {
          for (Record a : primary.query(ns, type)) {
            addresses.add(a instanceof org.xbill.DNS.ARecord v4 ? v4.getAddress() : ((org.xbill.DNS.AAAARecord) a).getAddress());
          }
        }
      } else {
        try {
          addresses.addAll(List.of(InetAddress.getAllByName(ns.toString(true))));
        } catch (java.net.UnknownHostException e) {
          log.warn("DNS: the name server {} of the zone {} has no address here: not waited for", ns, plan.zone());
        }
      }
      for (InetAddress a : addresses) {
        if (!a.equals(primary.server().getAddress())) {
          out.add(new InetSocketAddress(a, 53));
        }
      }
    }
    return List.copyOf(out);
  }

  /** Returns once every one of {@code servers} answers {@code name} with all of {@code values}, or after {@link #MOST}. */
  static void waitFor(List<InetSocketAddress> servers, Name name, List<String> values) {
    Instant deadline = Instant.now().plus(MOST);
    List<InetSocketAddress> left = new ArrayList<>(servers);
    while (!left.isEmpty()) {
      left.removeIf(s -> serves(s, name, values));
      if (left.isEmpty()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        log.warn("DNS: {} still lack the ACME challenge's answers after {}: the CA is told all the same",
            left.stream().map(DnsServerClient::describe).toList(), MOST);
        return;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean serves(InetSocketAddress server, Name name, List<String> values) {
    try {
      SimpleResolver r = new SimpleResolver(server);
      r.setTimeout(Duration.ofSeconds(2));
      Message q = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
      q.getHeader().unsetFlag(Flags.RD);
      Set<String> found = new LinkedHashSet<>();
      for (Record rec : r.send(q).getSection(Section.ANSWER)) {
        if (rec instanceof TXTRecord txt) {
          found.addAll(txt.getStrings());
        }
      }
      return found.containsAll(values);
    } catch (IOException e) {
      return false;
    }
  }
}
