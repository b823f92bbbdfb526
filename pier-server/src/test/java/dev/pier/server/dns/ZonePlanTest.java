package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** What the zone should hold for Pier's names, with addresses or CNAMEs; the embedded zone whole. */
class ZonePlanTest {

  private static ZonePlan plan(boolean cname) throws Exception {
    return new ZonePlan(Name.fromString("example.org."), Name.fromString("example.org."), cname,
        List.of(InetAddress.getByName("203.0.113.7"), InetAddress.getByName("2001:db8::7")), 300, "pier");
  }

  private static List<String> lines(List<Record> records) {
    return records.stream().map(ZonePlan::line).toList();
  }

  @Test
  void addressesGiveEveryNameAnAAndAnAaaaRecord() throws Exception {
    ZonePlan p = plan(false);
    assertThat(p.names(List.of("shop", "blog")).stream().map(n -> n.toString(true)))
        .containsExactly("example.org", "www.example.org", "blog.example.org", "shop.example.org");
    assertThat(lines(p.wanted(p.site("blog")))).containsExactly("blog.example.org. 300 IN A 203.0.113.7",
        "blog.example.org. 300 IN AAAA 2001:db8::7");
    assertThat(ZonePlan.line(p.marker(p.site("blog")))).isEqualTo("_pier.blog.example.org. 300 IN TXT \"pier instance=pier domain=example.org\"");
  }

  @Test
  void cnamesPointEveryNameButTheDomainAtTheDomain() throws Exception {
    ZonePlan p = plan(true);
    assertThat(lines(p.wanted(p.site("blog")))).containsExactly("blog.example.org. 300 IN CNAME example.org.");
    assertThat(lines(p.wanted(p.domain()))).containsExactly("example.org. 300 IN A 203.0.113.7", "example.org. 300 IN AAAA 2001:db8::7");
  }

  @Test
  void theEmbeddedZoneHasItsSoaNameServersWithAddressesAndTheChallenges() throws Exception {
    ZonePlan p = plan(false);
    List<Record> zone = p.zone(List.of("blog"), List.of(Name.fromString("ns1.example.org."), Name.fromString("ns.registrar.example."),
        Name.fromString("ns2.example.org.")), java.util.Map.of(Name.fromString("ns2.example.org."), List.of(InetAddress.getByName("198.51.100.2"))),
        42, List.of("digest-1"));
    assertThat(zone.getFirst().getType()).isEqualTo(Type.SOA);
    assertThat(ZonePlan.line(zone.getFirst())).contains(" 42 ").startsWith("example.org. 300 IN SOA ns1.example.org. hostmaster.example.org.");
    assertThat(lines(zone)).contains("example.org. 300 IN NS ns1.example.org.", "example.org. 300 IN NS ns.registrar.example.",
        "ns1.example.org. 300 IN A 203.0.113.7", "ns2.example.org. 300 IN A 198.51.100.2", "blog.example.org. 300 IN AAAA 2001:db8::7",
        "_acme-challenge.example.org. 60 IN TXT \"digest-1\"");
    assertThat(lines(zone)).noneMatch(l -> l.startsWith("ns.registrar.example.") || l.startsWith("ns2.example.org. 300 IN A 203"));
  }

  @Test
  void theDomainMustLieInTheZone() {
    assertThatThrownBy(() -> new ZonePlan(Name.fromString("example.net."), Name.fromString("example.org."), false, List.of(), 300, "pier"))
        .hasMessageContaining("not in the zone");
  }

  @Test
  void ipv6IsWrittenShort() throws Exception {
    assertThat(ZonePlan.shortForm(InetAddress.getByName("2001:db8:0:0:1:0:0:1").getAddress())).isEqualTo("2001:db8::1:0:0:1");
    assertThat(ZonePlan.shortForm(InetAddress.getByName("::1").getAddress())).isEqualTo("::1");
    assertThat(ZonePlan.shortForm(InetAddress.getByName("2001:db8:1:2:3:4:5:6").getAddress())).isEqualTo("2001:db8:1:2:3:4:5:6");
    assertThat(ZonePlan.shortForm(InetAddress.getByName("2001:0:0:1:0:0:0:1").getAddress())).isEqualTo("2001:0:0:1::1");
  }
}
