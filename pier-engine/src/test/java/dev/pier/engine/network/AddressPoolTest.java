package dev.pier.engine.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressPoolTest {

  private final Ipv4Subnet subnet = Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254");
  private final AddressPool pool = new AddressPool(subnet);

  @Test
  void firstAddressIsDotOne() {
    assertThat(pool.lowestFree(Set.of())).contains("10.1.1.1");
  }

  @Test
  void reusesTheLowestFreedAddress() {
    assertThat(pool.lowestFree(Set.of("10.1.1.1", "10.1.1.3"))).contains("10.1.1.2");
  }

  @Test
  void handsOutDotOneToDot253AndNeverTheGatewayOrBroadcast() {
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < 253; i++) {
      taken.add(pool.lowestFree(taken).orElseThrow());
    }
    assertThat(taken).hasSize(253).doesNotHaveDuplicates().startsWith("10.1.1.1").endsWith("10.1.1.253")
        .doesNotContain("10.1.1.254", "10.1.1.255", "10.1.1.0");
    assertThat(pool.lowestFree(taken)).isEmpty();
    assertThat(subnet.capacity()).isEqualTo(253);
  }

  @Test
  void gatewayMayBeAnywhereInTheSubnet() {
    AddressPool p = new AddressPool(Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.1"));
    assertThat(p.lowestFree(Set.of())).contains("10.1.1.2");
    assertThat(p.isAssignable("10.1.1.1")).isFalse();
    assertThat(p.isAssignable("10.1.1.254")).isTrue();
  }

  @Test
  void largerNetworksHoldMoreSites() {
    Ipv4Subnet big = Ipv4Subnet.parse("10.1.0.0/16", "10.1.255.254");
    assertThat(big.capacity()).isEqualTo(65533);
    assertThat(new AddressPool(big).lowestFree(Set.of("10.1.0.1"))).contains("10.1.0.2");
  }

  @Test
  void refusesBadNetworksWithClearMessages() {
    assertThatThrownBy(() -> Ipv4Subnet.parse("10.1.1.0", "10.1.1.254")).hasMessageContaining("CIDR");
    assertThatThrownBy(() -> Ipv4Subnet.parse("10.1.1.5/24", "10.1.1.254")).hasMessageContaining("use 10.1.1.0/24");
    assertThatThrownBy(() -> Ipv4Subnet.parse("10.1.1.0/24", "10.1.2.254")).hasMessageContaining("not a host address");
    assertThatThrownBy(() -> Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.255")).hasMessageContaining("not a host address");
    assertThatThrownBy(() -> Ipv4Subnet.parse("10.1.300.0/24", "10.1.1.254")).hasMessageContaining("not an IPv4 address");
  }
}
