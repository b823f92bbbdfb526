package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ExitRecorderTest {

  @Test
  void theImagesCommandRunsInsideTheRecorder() {
    assertThat(ExitRecorder.wrap(List.of("/usr/local/sbin/pier-apache"))).containsExactly("/bin/sh", "/.pier-run", "/usr/local/sbin/pier-apache");
    assertThat(ExitRecorder.SCRIPT).startsWith("#!/bin/sh\n").contains("echo \"$status\" > /.pier-exit");
  }

  @Test
  void onlyAStatusIsTakenFromWhatTheSiteCouldHaveWritten() {
    assertThat(ExitRecorder.parse("3\n")).isEqualTo(OptionalInt.of(3));
    assertThat(ExitRecorder.parse("256")).isEmpty();
    assertThat(ExitRecorder.parse("-1")).isEmpty();
    assertThat(ExitRecorder.parse("0; rm")).isEmpty();
  }

  @Test
  void statusesAboveOneHundredTwentyEightAreSignals() {
    assertThat(ExitRecorder.describe(0)).isEqualTo("exited with status 0");
    assertThat(ExitRecorder.describe(3)).isEqualTo("exited with status 3");
    assertThat(ExitRecorder.describe(137)).isEqualTo("killed by signal 9");
    assertThat(ExitRecorder.describe(255)).isEqualTo("exited with status 255");
  }
}
