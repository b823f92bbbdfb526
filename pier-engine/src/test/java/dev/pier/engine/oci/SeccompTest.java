package dev.pier.engine.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeccompTest {

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules() {
    return (List<Map<String, Object>>) Seccomp.profile("amd64").get("syscalls");
  }

  @Test
  void anAllowListWhatIsNotOnItFailsWithEperm() {
    Map<String, Object> p = Seccomp.profile("amd64");
    assertThat(p.get("defaultAction")).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(p.get("defaultErrnoRet")).isEqualTo(1);
    assertThat(p.get("architectures")).isEqualTo(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
    Map<String, Object> allowed = rules().getFirst();
    assertThat(allowed.get("action")).isEqualTo("SCMP_ACT_ALLOW");
    assertThat(allowed.get("args")).isNull();
    @SuppressWarnings("unchecked")
    List<String> names = (List<String>) allowed.get("names");
    assertThat(names).contains("read", "write", "openat", "socket", "accept4", "epoll_wait", "futex", "execve", "fcntl",
        "pread64", "fdatasync", "shmget", "semop", "getrandom").doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(Seccomp.DENIED).doesNotContain("clone", "clone3", "personality");
    assertThat(java.util.stream.Stream.concat(Seccomp.DENIED.stream(), java.util.stream.Stream.of("clone", "clone3", "personality"))
        .noneMatch(Seccomp.allowed()::contains)).as("no call both allowed and denied").isTrue();
  }

  @Test
  void cloneIsAllowedWithoutANamespaceFlagAndPersonalityForTheUsualDomainsOnly() {
    Map<String, Object> clone = rules().stream().filter(r -> r.get("names").equals(List.of("clone"))).findFirst().orElseThrow();
    assertThat(clone.get("action")).isEqualTo("SCMP_ACT_ALLOW");
    assertThat(clone.get("args")).isEqualTo(List.of(Map.of("index", 0, "value", 0x7E020000L, "valueTwo", 0L, "op", "SCMP_CMP_MASKED_EQ")));
    assertThat(rules().stream().filter(r -> r.get("names").equals(List.of("personality"))).map(r -> r.get("args")).toList())
        .hasSize(5).doesNotContain(List.of(Map.of("index", 0, "value", 0x0400000L, "op", "SCMP_CMP_EQ")));
    Map<String, Object> clone3 = rules().stream().filter(r -> r.get("names").equals(List.of("clone3"))).findFirst().orElseThrow();
    assertThat(clone3.get("errnoRet")).isEqualTo(38);
  }

  @Test
  void theSpecCarriesTheProfile() {
    assertThat(new OciSpecTest().specJson().path("linux").path("seccomp").path("defaultAction").asString()).isEqualTo("SCMP_ACT_ERRNO");
  }
}
