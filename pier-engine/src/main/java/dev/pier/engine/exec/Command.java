package dev.pier.engine.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One external program to run: an argument list (never a shell string), a time limit, where its output goes,
 * and what it reads. By default stdout and stderr are captured; {@link #appendingOutputTo(Path)} sends both to a
 * file instead, for programs that leave children holding their output (runc's detached containers). Its stdin is
 * empty unless {@link #withInput(String)} gives it text; its environment is Pier's, plus {@link #withEnv(Map)}'s.
 */
public record Command(List<String> argv, Duration timeout, Path outputFile, String input, Consumer<String> outputLines,
    Map<String, String> env) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program name");
    }
    Objects.requireNonNull(timeout, "timeout");
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), DEFAULT_TIMEOUT, null, null, null, Map.of());
  }

  public static Command of(List<String> argv) {
    return new Command(argv, DEFAULT_TIMEOUT, null, null, null, Map.of());
  }

  public Command withTimeout(Duration limit) {
    return new Command(argv, limit, outputFile, input, outputLines, env);
  }

  public Command appendingOutputTo(Path file) {
    return new Command(argv, timeout, file, input, outputLines, env);
  }

  /** The same command, reading {@code text} (UTF-8) on its stdin. */
  public Command withInput(String text) {
    return new Command(argv, timeout, outputFile, text, outputLines, env);
  }

  /**
   * The same command, its output (stdout and stderr, merged) also handed line by line to {@code listener} as it
   * comes, before each line is appended to the output file: for programs that report progress, such as
   * debootstrap. Only with {@link #appendingOutputTo(Path)}, and not for programs that leave children holding
   * their output.
   */
  public Command onOutputLine(Consumer<String> listener) {
    return new Command(argv, timeout, outputFile, input, listener, env);
  }

  /**
   * The same command with these variables added to its environment (credentials a program reads only there, such as
   * an off-site backup store's); they never show in {@link #toString()}.
   */
  public Command withEnv(Map<String, String> vars) {
    return new Command(argv, timeout, outputFile, input, outputLines, vars);
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
