package dev.pier.engine.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One external program to run: an argument list (never a shell string), a time limit, and where its
 * output goes. By default stdout and stderr are captured; {@link #appendingOutputTo(Path)} sends both to a
 * file instead, for programs that leave children holding their output (runc's detached containers).
 */
public record Command(List<String> argv, Duration timeout, Path outputFile) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program name");
    }
    Objects.requireNonNull(timeout, "timeout");
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), DEFAULT_TIMEOUT, null);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, DEFAULT_TIMEOUT, null);
  }

  public Command withTimeout(Duration limit) {
    return new Command(argv, limit, outputFile);
  }

  public Command appendingOutputTo(Path file) {
    return new Command(argv, timeout, file);
  }

  /** The command as an operator would type it, for logs and error messages. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (String a : argv) {
      if (!s.isEmpty()) {
        s.append(' ');
      }
      s.append(a.isEmpty() || a.chars().anyMatch(c -> c <= ' ' || c == '\'' || c == '"') ? "'" + a.replace("'", "'\\''") + "'" : a);
    }
    return s.toString();
  }
}
