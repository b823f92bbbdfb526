package dev.pier.engine.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RuntimeChoiceTest {

  private static final Set<String> BOTH = Set.of("runc", "crun");

  @Test
  void crunWhereItWorksRuncOtherwise() {
    assertThat(RuntimeChoice.choose("auto", true, BOTH::contains).binary()).isEqualTo("crun");
    assertThat(RuntimeChoice.choose("", true, Set.of("runc")::contains).binary()).as("no crun").isEqualTo("runc");
    assertThat(RuntimeChoice.choose(null, false, BOTH::contains)).as("cgroup v1").extracting(RuntimeChoice::binary).isEqualTo("runc");
    assertThat(RuntimeChoice.choose("auto", false, BOTH::contains).why()).contains("cgroup v1");
    assertThat(RuntimeChoice.choose("runc", true, BOTH::contains).binary()).isEqualTo("runc");
    assertThat(RuntimeChoice.choose(" CRUN ", true, BOTH::contains).binary()).isEqualTo("crun");
  }

  @Test
  void autoKeepsTheRuntimeTheSitesRanWithLastSoThatInstallingCrunHidesNoSite() {
    assertThat(RuntimeChoice.choose("auto", "runc", true, BOTH::contains).binary()).isEqualTo("runc");
    assertThat(RuntimeChoice.choose("auto", null, true, BOTH::contains).binary()).as("a new Pier").isEqualTo("crun");
    assertThat(RuntimeChoice.choose("crun", "runc", true, BOTH::contains).binary()).as("named by the operator").isEqualTo("crun");
    assertThat(RuntimeChoice.choose("auto", "crun", false, BOTH::contains).binary()).as("crun cannot run here any more").isEqualTo("runc");
    assertThat(RuntimeChoice.choose("auto", "crun", true, Set.of("runc")::contains).binary()).as("crun removed").isEqualTo("runc");
  }

  @Test
  void aRuntimeThatCannotRunSitesHereIsRefusedSayingWhatToDo() {
    assertThatThrownBy(() -> RuntimeChoice.choose("crun", false, BOTH::contains)).hasMessageContaining("crun cannot manage this host's cgroups")
        .hasMessageContaining("--runtime runc");
    assertThatThrownBy(() -> RuntimeChoice.choose("crun", true, Set.of("runc")::contains)).hasMessageContaining("apt-get install crun");
    assertThatThrownBy(() -> RuntimeChoice.choose("auto", false, Set.<String>of()::contains)).hasMessageContaining("neither runc nor crun");
    assertThatThrownBy(() -> RuntimeChoice.choose("docker", true, BOTH::contains)).hasMessageContaining("none of auto, runc, crun");
  }

  @Test
  void theRuntimeIsRecordedAndADataDirectoryOfAnEarlierPierIsTakenForRunc(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
      throws Exception {
    java.nio.file.Path record = data.resolve("runtime");
    java.nio.file.Files.createDirectories(data.resolve("sites/blog"));
    assertThat(RuntimeChoice.host("auto", record).binary()).as("sites, and no record: an earlier Pier's, runc").isEqualTo("runc");
    assertThat(java.nio.file.Files.readString(record).strip()).isEqualTo("runc");
    assertThat(RuntimeChoice.host("auto", record).binary()).isEqualTo("runc");
  }

  @Test
  void thisHostGetsARuntimeItHasAndRuncWhereCgroupsAreV1() {
    RuntimeChoice here = RuntimeChoice.host("auto");
    assertThat(here.binary()).isIn("runc", "crun");
    if (!RuntimeChoice.cgroupV2()) {
      assertThat(here.binary()).isEqualTo("runc");
      assertThatThrownBy(() -> RuntimeChoice.host("crun")).hasMessageContaining("crun cannot manage this host's cgroups");
    }
  }
}
