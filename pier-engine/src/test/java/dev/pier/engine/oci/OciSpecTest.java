package dev.pier.engine.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.limits.Limits;
import dev.pier.engine.rootfs.IdMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OciSpecTest {

  private final ContainerSpec spec = new ContainerSpec("pier-blog", "blog.example.org", Path.of("/run/pier/pier/blog"),
      List.of("/bin/busybox", "httpd", "-f"), Path.of("/run/netns/pier-blog"), "/pier/pier-blog", Limits.DEFAULT,
      Map.of("/etc/hosts", Path.of("/var/lib/pier/sites/blog/etc/hosts")), List.of(), IdMap.forAddress("10.1.1.7"),
      Path.of("/run/pier-userns/pier-blog"));

  JsonNode specJson() {
    return json();
  }

  private JsonNode json() {
    return JsonMapper.builder().build().readTree(OciSpec.toJson(spec));
  }

  @Test
  void newPidMountUtsIpcCgroupNamespacesAndTheSitesOwnNetworkAndUserNamespaces() {
    JsonNode ns = json().path("linux").path("namespaces");
    assertThat(ns.findValuesAsString("type")).containsExactlyInAnyOrder("user", "pid", "network", "ipc", "uts", "mount", "cgroup");
    for (JsonNode n : ns) {
      if (n.path("type").asString().equals("network")) {
        assertThat(n.path("path").asString()).isEqualTo("/run/netns/pier-blog");
      } else if (n.path("type").asString().equals("user")) {
        assertThat(n.path("path").asString()).as("the one that owns its network namespace").isEqualTo("/run/pier-userns/pier-blog");
      } else {
        assertThat(n.has("path")).as("namespace %s is new", n).isFalse();
      }
    }
  }

  @Test
  void runsTheCommandUnderTiniWithTheSitesHostname() {
    JsonNode j = json();
    assertThat(j.path("hostname").asString()).isEqualTo("blog.example.org");
    assertThat(j.path("process").path("args").valueStream().map(JsonNode::asString).toList())
        .containsExactly("/sbin/tini", "--", "/bin/busybox", "httpd", "-f");
    assertThat(j.path("root").path("path").asString()).isEqualTo("/run/pier/pier/blog");
    assertThat(j.path("process").path("noNewPrivileges").asBoolean()).isTrue();
  }

  @Test
  void defaultLimitsAreHalfACpu128MiBAnd64Processes() {
    JsonNode r = json().path("linux").path("resources");
    assertThat(r.path("cpu").path("quota").asLong()).isEqualTo(50_000);
    assertThat(r.path("cpu").path("period").asLong()).isEqualTo(100_000);
    assertThat(r.path("memory").path("limit").asLong()).isEqualTo(128L << 20);
    assertThat(r.path("memory").path("swap").asLong()).as("no swap beyond the limit").isEqualTo(128L << 20);
    assertThat(r.path("pids").path("limit").asInt()).isEqualTo(64);
    assertThat(json().path("linux").path("cgroupsPath").asString()).isEqualTo("/pier/pier-blog");
  }

  @Test
  void capabilitiesAreAWebServersOnly() {
    JsonNode caps = json().path("process").path("capabilities").path("bounding");
    List<String> names = caps.valueStream().map(JsonNode::asString).toList();
    assertThat(names).contains("CAP_NET_BIND_SERVICE", "CAP_SETUID").doesNotContain("CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_NET_ADMIN");
  }

  @Test
  void limitsTranslateFractionsOfCores() {
    Map<String, Object> r = new Limits(1.5, 256L << 20, 100).toOciResources();
    assertThat(r.get("cpu")).isEqualTo(Map.of("quota", 150_000L, "period", 100_000L));
  }

  @Test
  void pierWrittenFilesAreBindMountedReadOnly() {
    JsonNode hosts = null;
    for (JsonNode m : json().path("mounts")) {
      if (m.path("destination").asString().equals("/etc/hosts")) {
        hosts = m;
      }
    }
    assertThat(hosts).isNotNull();
    assertThat(hosts.path("source").asString()).isEqualTo("/var/lib/pier/sites/blog/etc/hosts");
    assertThat(hosts.path("options").valueStream().map(JsonNode::asString).toList()).contains("bind", "ro");
  }

  /** The site's ids are the host's from 2^30 plus its slot (10.1.1.7: 0x0107 = 263) times 65,536, for both maps. */
  @Test
  void theSitesRootIsAHostIdOfItsOwn() {
    long base = (1L << 30) + 263L * 65536;
    for (String map : new String[] {"uidMappings", "gidMappings"}) {
      JsonNode m = json().path("linux").path(map);
      assertThat(m.size()).isEqualTo(1);
      assertThat(m.get(0).path("containerID").asLong()).isZero();
      assertThat(m.get(0).path("hostID").asLong()).isEqualTo(base);
      assertThat(m.get(0).path("size").asLong()).isEqualTo(65536);
    }
  }

  @Test
  void noUserNamespaceWithoutIds() {
    ContainerSpec plain = new ContainerSpec("pier-blog", "blog.example.org", Path.of("/r"), List.of("/bin/true"),
        Path.of("/run/netns/pier-blog"), "/pier/pier-blog", Limits.DEFAULT, Map.of());
    JsonNode j = JsonMapper.builder().build().readTree(OciSpec.toJson(plain));
    assertThat(j.path("linux").path("namespaces").findValuesAsString("type")).doesNotContain("user");
    assertThat(j.path("linux").has("uidMappings")).isFalse();
  }
}
