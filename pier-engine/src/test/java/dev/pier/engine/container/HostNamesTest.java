package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.network.Ipv4Subnet;
import dev.pier.engine.site.SiteName;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HostNamesTest {

  private final SiteName blog = SiteName.of("blog");

  @Test
  void theDefaultInstanceKeepsTodaysNames() {
    HostNames n = new HostNames("pier", "pier");
    assertThat(n.containerId(blog)).isEqualTo("pier-blog");
    assertThat(n.netns(blog)).isEqualTo("pier-blog");
    assertThat(n.cgroupPath(blog)).isEqualTo("/pier/pier-blog");
    assertThat(HostNames.vethPrefixOf("pier")).isEqualTo("pv");
  }

  @Test
  void anotherInstanceNamesEverythingItsOwnWay() {
    HostNames n = new HostNames("blue", "pier");
    assertThat(n.containerId(blog)).isEqualTo("blue-blog");
    assertThat(n.cgroupPath(blog)).isEqualTo("/pier/blue-blog");
    String prefix = HostNames.vethPrefixOf("blue");
    assertThat(prefix).matches("p[a-z]{4}").isNotEqualTo("pv").isEqualTo(HostNames.vethPrefixOf("blue"));
    assertThat(prefix + 65534).hasSizeLessThanOrEqualTo(15);
  }

  @Test
  void eachInstanceOwnsOnlyItsContainers() {
    HostNames pier = new HostNames("pier", "pier");
    assertThat(pier.owns("pier-blog")).isTrue();
    assertThat(pier.owns("pier2-blog")).isFalse();
    assertThat(pier.owns("blue-pier-blog")).isFalse();
    assertThat(new HostNames("pier2", "pier").owns("pier-blog")).isFalse();
  }

  @Test
  void aBadInstanceNameIsRefusedNamingIt() {
    for (String bad : new String[] {"", "Pier", "pier-2", "2pier", "a-very-long-instance", "pier_1"}) {
      assertThatThrownBy(() -> new HostNames(bad, "pier")).hasMessageContaining("instance name \"" + bad + "\" is not valid");
    }
    assertThatThrownBy(() -> new EngineConfig(Path.of("/var/lib/pier"), "pier0", Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254"), null,
        "pier", Duration.ofSeconds(1), Duration.ofSeconds(1), null, "Foo_1")).hasMessageContaining("instance name \"Foo_1\"");
  }

  @Test
  void anEmptyVethPrefixIsDerivedFromTheInstance() {
    EngineConfig c = new EngineConfig(Path.of("/var/lib/pier"), "blue0", Ipv4Subnet.parse("10.1.2.0/24", "10.1.2.254"), "",
        "pier", Duration.ofSeconds(1), Duration.ofSeconds(1), null, "blue");
    assertThat(c.vethPrefix()).isEqualTo(HostNames.vethPrefixOf("blue"));
    assertThat(c.withUplink("eth0").instance()).isEqualTo("blue");
  }
}
