package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.network.Ipv4Subnet;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

  private static EngineConfig config(String bridge, String vethPrefix, String cgroupParent) {
    return new EngineConfig(Path.of("/var/lib/pier"), bridge, Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254"), vethPrefix,
        cgroupParent, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  @Test
  void defaultsAreValid() {
    assertThat(config("pier0", "pv", "pier").sitesDir()).isEqualTo(Path.of("/var/lib/pier/sites"));
  }

  @Test
  void refusesABridgeNamedLikeASitesVeth() {
    assertThatThrownBy(() -> config("pv1", "pv", "pier")).hasMessageContaining("has the form of a site's veth name");
  }

  @Test
  void refusesNamesTheKernelWouldRefuse() {
    assertThatThrownBy(() -> config("a-bridge-name-too-long", "pv", "pier")).hasMessageContaining("1-15");
    assertThatThrownBy(() -> config("pier0", "PV", "pier")).hasMessageContaining("veth prefix");
    assertThatThrownBy(() -> config("pier0", "pv", "../etc")).hasMessageContaining("cgroup parent");
  }
}
