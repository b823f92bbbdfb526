package dev.pier.engine.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdMapTest {

  /** All but the last two addresses of a /18 (its .63.254 and .63.255: a gateway and a broadcast address in Pier's /24s). */
  @Test
  void everyAddressOfASubnetUpToA18HasARangeOfItsOwnAboveEveryAccountAndBelowSystemdsForeignIds() {
    Set<Integer> bases = new HashSet<>();
    for (int c = 0; c < 64; c++) {
      for (int d = 0; d < (c == 63 ? 254 : 256); d++) {
        IdMap m = IdMap.forAddress("10.1." + c + "." + d);
        assertThat(m.hostBase() + IdMap.SIZE - 1).isLessThan(0x7FFE0000);
        assertThat(m.hostBase()).isGreaterThanOrEqualTo(1 << 30);
        assertThat((long) m.hostBase() + IdMap.SIZE - 1).isLessThanOrEqualTo(Integer.MAX_VALUE);
        bases.add(m.hostBase());
      }
    }
    assertThat(bases).hasSize(64 * 256 - 2);
  }

  @Test
  void mapsIdsBothWays() {
    IdMap m = IdMap.forAddress("10.1.1.7");
    assertThat(m.host(33)).isEqualTo(m.hostBase() + 33);
    assertThat(m.inside(m.hostBase() + 33L)).isEqualTo(33);
    assertThat(m.inside(33)).isEqualTo(-1);
    assertThat(m.inside(m.hostBase() + 65536L)).isEqualTo(-1);
    assertThat(m.procLine()).isEqualTo("0 " + m.hostBase() + " 65536\n");
    assertThatThrownBy(() -> m.host(65536)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IdMap(12345)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdMap.forAddress("fd00::1")).hasMessageContaining("not an IPv4 address");
  }

  /** Moving a layer's owners: ids in the old range go to the same place in the new one; others stay. */
  @Test
  void aShiftMovesOnlyTheIdsOfTheOldRange() {
    int to = IdMap.forAddress("10.1.1.7").hostBase();
    assertThat(IdmappedMounts.moved(0, 0, to)).isEqualTo(to);
    assertThat(IdmappedMounts.moved(33, 0, to)).isEqualTo(to + 33);
    assertThat(IdmappedMounts.moved(65535, 0, to)).isEqualTo(to + 65535);
    assertThat(IdmappedMounts.moved(65536, 0, to)).as("outside the old range").isEqualTo(65536);
    int other = IdMap.forAddress("10.1.1.8").hostBase();
    assertThat(IdmappedMounts.moved(to + 33, to, other)).isEqualTo(other + 33);
    assertThat(IdmappedMounts.moved(other + 33, to, other)).as("already moved: a repeat after a crash").isEqualTo(other + 33);
  }
}
