package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierTestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pier's own DNS server ({@code --dns embedded}) as {@code dig} and a real bind9 secondary see it: the zone's SOA, NS,
 * the domain, {@code www} and every site; a serial that grows with each change; NOTIFY and transfers to the listed
 * secondary only; no recursion and no other zone.
 */
@Tag("root")
class EmbeddedDnsTest {

  private static final String ZONE = PierTestServer.DOMAIN;

  private PierTestServer server;
  private Named secondary;

  @AfterEach
  void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (secondary != null) {
        secondary.close();
      }
    }
  }

  @Test
  void servesTheZoneToResolversAndItsSecondary() throws Exception {
    int port = Named.freePort();
    secondary = Named.secondary(ZONE, port); // started once Pier serves the zone
    int secondaryPort = secondary.port;
    server = new PierTestServer(new TestHost(), "--pier.dns.mode=embedded", "--pier.dns.port=" + port, "--pier.dns.listen=127.0.0.1",
        "--pier.dns.addresses=192.0.2.10,2001:db8::10", "--pier.dns.nameservers=ns1." + ZONE + ",ns.registrar.example",
        "--pier.dns.secondaries=127.0.0.1:" + secondaryPort);
    assertThat(Named.digAt(port, ZONE, "A")).containsExactly("192.0.2.10");
    assertThat(Named.digAt(port, ZONE, "AAAA")).containsExactly("2001:db8::10");
    assertThat(Named.digAt(port, "www." + ZONE, "A")).containsExactly("192.0.2.10");
    assertThat(Named.digAt(port, ZONE, "NS")).containsExactlyInAnyOrder("ns1." + ZONE + ".", "ns.registrar.example.");
    assertThat(Named.digAt(port, "ns1." + ZONE, "A")).containsExactly("192.0.2.10");
    long first = serial(port);

    secondary.start(); // it transfers the zone from Pier
    String site = server.host.siteName("blog");
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\"}").statusCode()).isEqualTo(201);
    assertThat(Named.digAt(port, site + "." + ZONE, "A")).containsExactly("192.0.2.10");
    assertThat(serial(port)).isGreaterThan(first);
    assertThat(server.apiJson("alice", "GET", "/api/v1/sites/" + site, null).path("dns").path("state").asString()).isEqualTo("published");
    // Told by NOTIFY, the secondary transfers the new zone and answers for the new site (before the SOA's refresh of an hour).
    try {
      Named.waitFor(secondaryPort, site + "." + ZONE, "A", a -> a.equals(List.of("192.0.2.10")));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nthe secondary's log:\n" + secondary.log(), e);
    }

    // Transfers: to the listed secondary's address, never to another.
    String axfr = Named.digFull(port, "+tcp", ZONE, "AXFR");
    assertThat(axfr).contains(site + "." + ZONE + ".").doesNotContain("Transfer failed");
    assertThat(Named.digFull(port, "-b", "127.0.0.2", ZONE, "AXFR")).contains("Transfer failed");

    // Nothing else answered: an unknown name in the zone, another zone, no recursion.
    assertThat(Named.digFull(port, "nothing." + ZONE, "A")).contains("status: NXDOMAIN").contains("flags: qr aa rd;");
    String other = Named.digFull(port, "example.com", "A");
    assertThat(other).contains("status: REFUSED").doesNotContain(" ra");

    long before = serial(port);
    assertThat(server.api("alice", "DELETE", "/api/v1/sites/" + site, null).statusCode()).isEqualTo(204);
    assertThat(Named.digAt(port, site + "." + ZONE, "A")).isEmpty();
    assertThat(serial(port)).isGreaterThan(before);
    Named.waitFor(secondaryPort, site + "." + ZONE, "A", List::isEmpty);

    // Restarted, the serial still grows.
    long last = serial(port);
    server.stopServer();
    server.start();
    assertThat(serial(port)).isGreaterThan(last);
  }

  private static long serial(int port) throws Exception {
    List<String> soa = Named.digAt(port, ZONE, "SOA");
    assertThat(soa).hasSize(1);
    return Long.parseLong(soa.getFirst().split(" ")[2]);
  }
}
