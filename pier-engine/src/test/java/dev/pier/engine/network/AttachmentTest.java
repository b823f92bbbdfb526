package dev.pier.engine.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttachmentTest {

  private final Ipv4Subnet subnet = Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254");

  @Test
  void namesHostObjectsAfterTheSite() {
    Attachment a = Attachment.plan("a-very-long-site-name-indeed", "10.1.1.12", subnet, "pier0", "pv");
    assertThat(a.netns()).isEqualTo("pier-a-very-long-site-name-indeed");
    assertThat(a.alias()).isEqualTo("pier-a-very-long-site-name-indeed");
    assertThat(a.hostVeth()).isEqualTo("pv12");
    assertThat(a.netnsPath()).hasToString("/run/netns/pier-a-very-long-site-name-indeed");
  }

  @Test
  void commandsJoinTheNamespaceToTheBridgeWithTheSitesAddress() {
    Attachment a = Attachment.plan("blog", "10.1.1.3", subnet, "pier0", "pv");
    assertThat(IpCommands.attachHost(a)).containsExactly(
        "link add name pv3 type veth peer name eth0 address 02:50:0a:01:01:03 netns pier-blog",
        "link set dev pv3 alias pier-blog",
        "link set dev pv3 master pier0 up",
        "link set dev pv3 type bridge_slave isolated on");
    assertThat(IpCommands.attachInside(a)).containsExactly(
        "link set dev lo up",
        "address add 10.1.1.3/24 dev eth0",
        "link set dev eth0 up",
        "route add default via 10.1.1.254 dev eth0");
  }

  @Test
  void refusesAddressesOutsideTheNetwork() {
    assertThatThrownBy(() -> Attachment.plan("blog", "10.9.9.9", subnet, "pier0", "pv")).hasMessageContaining("outside the container network");
  }
}
