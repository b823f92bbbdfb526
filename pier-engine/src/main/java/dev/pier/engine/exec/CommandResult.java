package dev.pier.engine.exec;

/** What a finished command left: its exit status and its captured output (empty when sent to a file). */
public record CommandResult(int exitCode, String stdout, String stderr) {

  public boolean succeeded() {
    return exitCode == 0;
  }
}
