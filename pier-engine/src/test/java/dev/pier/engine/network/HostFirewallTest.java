package dev.pier.engine.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HostFirewallTest {

  @Test
  void aTableOfItsOwnPerBridgeThatDropsWhatSitesSendToTheHostOrBeyond() {
    String script = HostFirewall.script("pier0");
    assertThat(HostFirewall.table("pier0")).isEqualTo("pier_pier0");
    assertThat(HostFirewall.table("br-x.1")).isEqualTo("pier_br_x_1");
    assertThat(script).startsWith("table inet pier_pier0\ndelete table inet pier_pier0\n")
        .contains("iifname \"pier0\" ct state established,related accept\n    iifname \"pier0\" drop")
        .contains("hook forward").contains("oifname \"pier0\" drop");
  }

  @Test
  void withAnUplinkOnlyTheOutboundSetLeavesAndOnlyThroughIt() {
    String script = HostFirewall.script("pier0", Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254"), "eth0");
    assertThat(script).contains("set outbound {")
        .contains("iifname \"pier0\" oifname \"eth0\" ip saddr @outbound ip daddr != @private accept")
        .contains("iifname \"pier0\" oifname \"eth0\" ip saddr @outbound ip daddr @outbound_allowed accept")
        .contains("ip saddr @outbound ip daddr @outbound_dns meta l4proto { tcp, udp } th dport 53 accept")
        .contains("169.254.0.0/16").contains("10.0.0.0/8").contains("100.64.0.0/10").contains("192.168.0.0/16").contains("172.16.0.0/12")
        .contains("iifname \"eth0\" oifname \"pier0\" ct state established,related accept")
        .contains("ip saddr 10.1.1.0/24 oifname \"eth0\" masquerade");
    // The accepts come before the drops of everything else from and to the bridge.
    assertThat(script.indexOf("!= @private accept")).isLessThan(script.indexOf("iifname \"pier0\" drop", script.indexOf("chain forward")));
    assertThat(script).doesNotContain("oifname != ");
    assertThat(HostFirewall.script("pier0", Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254"), "eth0", true))
        .contains("iifname \"eth0\" oifname != \"pier0\" drop");
    assertThat(HostFirewall.script("pier0")).contains("set outbound").doesNotContain("accept\n    iifname \"pier0\" oifname").doesNotContain("masquerade");
  }

  @Test
  void theOutboundSetsAreReplacedInOneCommandOfAddressesOnly() {
    assertThat(HostFirewall.outboundCommand("pier0", new Outbound(Set.of("10.1.1.9", "10.1.1.3"), Set.of("192.168.10.0/24"), Set.of("10.0.0.2"))))
        .containsExactly("nft", "flush", "set", "inet", "pier_pier0", "outbound", ";", "add", "element", "inet", "pier_pier0", "outbound",
            "{", "10.1.1.3, 10.1.1.9", "}",
            ";", "flush", "set", "inet", "pier_pier0", "outbound_allowed", ";", "add", "element", "inet", "pier_pier0", "outbound_allowed",
            "{", "192.168.10.0/24", "}",
            ";", "flush", "set", "inet", "pier_pier0", "outbound_dns", ";", "add", "element", "inet", "pier_pier0", "outbound_dns",
            "{", "10.0.0.2", "}");
    assertThat(HostFirewall.outboundCommand("pier0", Outbound.sites(Set.of()))).containsExactly("nft", "flush", "set", "inet", "pier_pier0", "outbound",
        ";", "flush", "set", "inet", "pier_pier0", "outbound_allowed", ";", "flush", "set", "inet", "pier_pier0", "outbound_dns");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Outbound.sites(Set.of("10.1.1.3 }; flush ruleset")))
        .hasMessageContaining("not an IPv4 address");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Outbound(Set.of(), Set.of("10.0.0.0/33"), Set.of()))
        .hasMessageContaining("not an IPv4 address or CIDR block");
  }
}
