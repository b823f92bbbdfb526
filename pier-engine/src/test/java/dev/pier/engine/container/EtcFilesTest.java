package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EtcFilesTest {

  @Test
  void aSiteWithoutOutboundAccessGetsAResolverThatFailsFast() {
    var files = EtcFiles.render("blog.example.org", "10.1.1.7");
    assertThat(files.get("etc/hosts")).contains("10.1.1.7\tblog.example.org blog");
    assertThat(files.get("etc/resolv.conf")).contains("nameserver 127.0.0.1").contains("timeout:1 attempts:1");
  }

  @Test
  void aSiteWithOutboundAccessAsksTheHostsUpstreamResolversNotItsLocalStub() {
    List<String> upstream = EtcFiles.upstreamResolvers("""
        # stub
        nameserver 127.0.0.53
        nameserver ::1
        nameserver 192.0.2.53
        nameserver 2001:db8::53
        search example.org
        """);
    assertThat(upstream).containsExactly("192.0.2.53", "2001:db8::53");
    assertThat(EtcFiles.render("blog.example.org", "10.1.1.7", upstream).get("etc/resolv.conf"))
        .contains("nameserver 192.0.2.53\nnameserver 2001:db8::53\n").doesNotContain("127.0.0.");
    assertThat(EtcFiles.upstreamResolvers("nameserver 10.0.0.1; rm -rf /\n")).isEmpty();
  }
}
