package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/** The embedded server's answers, query by query: its zone only, no recursion, transfers to secondaries over TCP. */
class ZoneAnswersTest {

  private final Zone zone;

  ZoneAnswersTest() throws Exception {
    ZonePlan plan = new ZonePlan(Name.fromString("example.org."), Name.fromString("example.org."), true,
        List.of(InetAddress.getByName("203.0.113.7")), 300, "pier");
    zone = new Zone(plan.zone(), plan.zone(List.of("blog"), List.of(), java.util.Map.of(), 7, List.of()).toArray(Record[]::new));
  }

  private Message ask(String name, int type, boolean tcp, boolean secondary) throws Exception {
    List<Message> out = ZoneAnswers.answer(zone, Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)), tcp, secondary);
    assertThat(out).hasSize(1);
    return out.getFirst();
  }

  private static List<String> answers(Message m) {
    return m.getSection(Section.ANSWER).stream().map(ZonePlan::line).toList();
  }

  @Test
  void aCnameIsFollowedInTheZone() throws Exception {
    Message m = ask("blog.example.org.", Type.A, false, false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RA)).isFalse();
    assertThat(answers(m)).containsExactly("blog.example.org. 300 IN CNAME example.org.", "example.org. 300 IN A 203.0.113.7");
  }

  @Test
  void unknownNamesAndMissingTypesSayTheSoa() throws Exception {
    Message none = ask("nothing.example.org.", Type.A, false, false);
    assertThat(none.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(none.getSection(Section.AUTHORITY)).singleElement().extracting(Record::getType).isEqualTo(Type.SOA);
    Message noData = ask("example.org.", Type.MX, false, false);
    assertThat(noData.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(noData.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void otherZonesAndOtherOpcodesAreRefused() throws Exception {
    assertThat(ask("example.com.", Type.A, false, false).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ask("org.", Type.NS, false, false).getRcode()).isEqualTo(Rcode.REFUSED);
    Message update = Message.newQuery(Record.newRecord(Name.fromString("example.org."), Type.SOA, DClass.IN));
    update.getHeader().setOpcode(Opcode.UPDATE);
    assertThat(ZoneAnswers.answer(zone, update, false, true).getFirst().getRcode()).isEqualTo(Rcode.NOTIMP);
  }

  @Test
  void transfersGoOverTcpToSecondariesOnly() throws Exception {
    assertThat(ask("example.org.", Type.AXFR, true, false).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ask("example.org.", Type.AXFR, false, true).getRcode()).isEqualTo(Rcode.REFUSED);
    List<Message> axfr = ZoneAnswers.answer(zone, Message.newQuery(Record.newRecord(Name.fromString("example.org."), Type.AXFR, DClass.IN)),
        true, true);
    List<Record> all = axfr.stream().flatMap(m -> m.getSection(Section.ANSWER).stream()).toList();
    assertThat(all.getFirst().getType()).isEqualTo(Type.SOA);
    assertThat(all.getLast().getType()).isEqualTo(Type.SOA);
    assertThat(all.stream().map(ZonePlan::line)).contains("blog.example.org. 300 IN CNAME example.org.");
  }

  @Test
  void anyOverUdpIsTruncatedSoNobodyIsFloodedWithAnswers() throws Exception {
    Message udp = ask("example.org.", Type.ANY, false, false);
    assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(udp.getSection(Section.ANSWER)).isEmpty();
    assertThat(ask("example.org.", Type.ANY, true, false).getSection(Section.ANSWER)).isNotEmpty();
  }

  @Test
  void udpAnswersFitWhatTheAskerTakes() throws Exception {
    Message plain = Message.newQuery(Record.newRecord(Name.fromString("example.org."), Type.A, DClass.IN));
    assertThat(ZoneAnswers.udpLimit(plain)).isEqualTo(512);
    plain.addRecord(new org.xbill.DNS.OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    assertThat(ZoneAnswers.udpLimit(plain)).isEqualTo(ZoneAnswers.EDNS_PAYLOAD);
  }
}
