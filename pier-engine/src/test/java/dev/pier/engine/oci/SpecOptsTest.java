package dev.pier.engine.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.limits.Limits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A spec is the sum of its options, applied in order; each sets one aspect. */
class SpecOptsTest {

  @Test
  void eachOptionSetsItsPartOnly() {
    Map<String, Object> spec = Spec.of(List.of(SpecOpts.withHostname("blog.example.org"), SpecOpts.withRootfs(Path.of("/r")))).toMap();
    assertThat(spec.get("hostname")).isEqualTo("blog.example.org");
    assertThat(spec.get("root")).isEqualTo(Map.of("path", "/r", "readonly", false));
    @SuppressWarnings("unchecked")
    Map<String, Object> process = (Map<String, Object>) spec.get("process");
    assertThat(process.get("args")).isEqualTo(List.of());
    assertThat(process.get("noNewPrivileges")).isEqualTo(false);
  }

  @Test
  void laterOptionsComposeWithEarlierOnes() {
    SpecOpt limits = SpecOpts.withLimits("/pier/pier-blog", Limits.DEFAULT);
    Spec s = Spec.of(List.of(SpecOpts.withNoDevices(), limits.andThen(SpecOpts.withNoNewPrivileges()),
        SpecOpts.withCapabilities(List.of("CAP_KILL")), SpecOpts.withCapabilities(List.of("CAP_CHOWN"))));
    assertThat(s.cgroupsPath).isEqualTo("/pier/pier-blog");
    assertThat(s.noNewPrivileges).isTrue();
    assertThat(s.capabilities).as("the last capability set wins").containsExactly("CAP_CHOWN");
    @SuppressWarnings("unchecked")
    Map<String, Object> resources = (Map<String, Object>) ((Map<String, Object>) s.toMap().get("linux")).get("resources");
    assertThat(resources).containsKeys("devices", "memory", "cpu", "pids");
  }

  @Test
  void aSitesSpecIsItsOptions() {
    ContainerSpec c = new ContainerSpec("pier-blog", "blog.example.org", Path.of("/s/rootfs"), List.of("/bin/true"),
        Path.of("/run/netns/pier-blog"), "/pier/pier-blog", Limits.DEFAULT, Map.of());
    assertThat(OciSpec.build(c)).isEqualTo(Spec.of(OciSpec.options(c)).toMap());
  }
}
