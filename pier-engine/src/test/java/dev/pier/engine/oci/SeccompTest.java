package dev.pier.engine.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeccompTest {

  @Test
  void dangerousCallsFailWithEpermAndTheRestIsAllowed() {
    Map<String, Object> p = Seccomp.profile("amd64");
    assertThat(p.get("defaultAction")).isEqualTo("SCMP_ACT_ALLOW");
    assertThat(p.get("architectures")).isEqualTo(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
    @SuppressWarnings("unchecked")
    Map<String, Object> denied = ((List<Map<String, Object>>) p.get("syscalls")).getFirst();
    assertThat(denied.get("action")).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(denied.get("errnoRet")).isEqualTo(1);
    @SuppressWarnings("unchecked")
    List<String> names = (List<String>) denied.get("names");
    assertThat(names).contains("mount", "unshare", "setns", "keyctl", "bpf", "perf_event_open",
        "kexec_load", "init_module", "finit_module", "ptrace").doesNotContain("read", "write", "clone", "socket");
  }

  @Test
  void newUserNamespacesAreRefusedThroughClone() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rules = (List<Map<String, Object>>) Seccomp.profile("amd64").get("syscalls");
    Map<String, Object> clone = rules.stream().filter(r -> r.get("names").equals(List.of("clone"))).findFirst().orElseThrow();
    assertThat(clone.get("args")).isEqualTo(List.of(Map.of("index", 0, "value", 0x10000000L, "valueTwo", 0x10000000L, "op", "SCMP_CMP_MASKED_EQ")));
  }

  @Test
  void theSpecCarriesTheProfile() {
    assertThat(new OciSpecTest().specJson().path("linux").path("seccomp").path("defaultAction").asString()).isEqualTo("SCMP_ACT_ALLOW");
  }
}
