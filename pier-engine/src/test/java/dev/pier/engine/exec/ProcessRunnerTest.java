package dev.pier.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessRunnerTest {

  private final ProcessRunner runner = new ProcessRunner();

  @Test
  void aCommandReadsTheInputItIsGivenAndNothingOtherwise() {
    String lines = "link set dev x up\n".repeat(20_000); // more than a pipe holds: written beside the output's reading
    CommandResult echoed = runner.run(Command.of("cat").withInput(lines));
    assertThat(echoed.succeeded()).isTrue();
    assertThat(echoed.stdout()).isEqualTo(lines);
    assertThat(runner.run(Command.of("cat")).stdout()).isEmpty();
  }
}
