package dev.pier.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void aCommandsOutputLinesReachItsListenerAndItsFile(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("out.log"), "before\n");
    List<String> seen = new CopyOnWriteArrayList<>();
    CommandResult r = runner.run(Command.of("sh", "-c", "echo one; echo two >&2; echo three").appendingOutputTo(log).onOutputLine(seen::add));
    assertThat(r.succeeded()).isTrue();
    assertThat(seen).containsExactly("one", "two", "three");
    assertThat(Files.readString(log)).isEqualTo("before\none\ntwo\nthree\n");
  }
}
