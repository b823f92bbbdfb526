package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Update;

/**
 * The updates keeping one name, as the server reads them: prerequisites (section 2) that make the server refuse any
 * change to a name Pier did not mark, then the changes (section 3).
 */
class NameUpdatesTest {

  private final ZonePlan plan;
  private final Name blog;

  NameUpdatesTest() throws Exception {
    plan = new ZonePlan(Name.fromString("example.org."), Name.fromString("example.org."), false,
        List.of(InetAddress.getByName("203.0.113.7")), 300, "pier");
    blog = plan.site("blog");
  }

  private static List<String> section(Update u, int section) {
    return u.getSection(section).stream().map(Record::toString).map(s -> s.replaceAll("\\s+", " ")).toList();
  }

  @Test
  void replacingNeedsPiersMarkerThere() {
    Update u = NameUpdates.replace(plan, blog, plan.wanted(blog));
    assertThat(section(u, Section.PREREQ)).containsExactly("_pier.blog.example.org. 0 IN TXT \"pier instance=pier domain=example.org\"");
    assertThat(section(u, Section.UPDATE)).containsExactly("blog.example.org. 0 ANY A", "blog.example.org. 0 ANY AAAA",
        "blog.example.org. 0 ANY CNAME", "blog.example.org. 300 IN A 203.0.113.7");
  }

  @Test
  void claimingNeedsTheNameFreeAndMarksIt() throws Exception {
    Update u = NameUpdates.claim(plan, blog, plan.wanted(blog));
    assertThat(section(u, Section.PREREQ)).containsExactly("blog.example.org. 0 NONE A", "blog.example.org. 0 NONE AAAA",
        "blog.example.org. 0 NONE CNAME", "_pier.blog.example.org. 0 NONE TXT");
    assertThat(section(u, Section.UPDATE)).containsExactly("blog.example.org. 300 IN A 203.0.113.7",
        "_pier.blog.example.org. 300 IN TXT \"pier instance=pier domain=example.org\"");
    ZonePlan cnames = new ZonePlan(plan.zone(), plan.domain(), true, plan.addresses(), 300, "pier");
    assertThat(section(NameUpdates.claim(cnames, blog, cnames.wanted(blog)), Section.PREREQ))
        .containsExactly("blog.example.org. 0 NONE ANY", "_pier.blog.example.org. 0 NONE TXT");
  }

  @Test
  void releasingNeedsPiersMarkerAndTakesItAway() {
    Update u = NameUpdates.release(plan, blog);
    assertThat(section(u, Section.PREREQ)).containsExactly("_pier.blog.example.org. 0 IN TXT \"pier instance=pier domain=example.org\"");
    assertThat(section(u, Section.UPDATE)).containsExactly("blog.example.org. 0 ANY A", "blog.example.org. 0 ANY AAAA",
        "blog.example.org. 0 ANY CNAME", "_pier.blog.example.org. 0 ANY TXT");
  }

  @Test
  void anotherPiersMarkerIsNotThisOnes() throws Exception {
    ZonePlan other = new ZonePlan(plan.zone(), plan.domain(), false, plan.addresses(), 300, "pier2");
    assertThat(NameUpdates.release(other, blog).getSection(Section.PREREQ).getFirst()).isNotEqualTo(plan.marker(blog, 0));
    // A Pier whose domain is a site's name of this one (b.example.org), in the same zone, with the same instance name.
    ZonePlan nested = new ZonePlan(plan.zone(), Name.fromString("blog.example.org."), false, plan.addresses(), 300, "pier");
    assertThat(nested.marker(blog, 0)).isNotEqualTo(plan.marker(blog, 0));
  }

  @Test
  void aFailedPrerequisiteIsToldFromARefusal() {
    assertThat(NameUpdates.prerequisiteFailed(Rcode.NXRRSET)).isTrue();
    assertThat(NameUpdates.prerequisiteFailed(Rcode.YXDOMAIN)).isTrue();
    assertThat(NameUpdates.prerequisiteFailed(Rcode.REFUSED)).isFalse();
    assertThat(NameUpdates.prerequisiteFailed(Rcode.NOTAUTH)).isFalse();
  }

  @Test
  void foundRecordsAreComparedWithoutTheirTtl() throws Exception {
    List<Record> wanted = plan.wanted(blog);
    List<Record> found = List.of(Record.fromString(blog, org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN, 60, "203.0.113.7", Name.root));
    assertThat(NameUpdates.same(found, wanted)).isTrue();
    assertThat(NameUpdates.same(List.of(), wanted)).isFalse();
  }
}
