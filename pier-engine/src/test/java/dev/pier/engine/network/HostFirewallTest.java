package dev.pier.engine.network;

import static org.assertj.core.api.Assertions.assertThat;

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
}
