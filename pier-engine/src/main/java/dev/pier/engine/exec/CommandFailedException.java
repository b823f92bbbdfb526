package dev.pier.engine.exec;

/** A command exited with a non-zero status, timed out, or could not be started. The message names the command. */
public class CommandFailedException extends RuntimeException {

  private final transient Command command;
  private final transient CommandResult result;

  public CommandFailedException(Command command, CommandResult result) {
    super("command \"" + command + "\" failed with exit status " + result.exitCode() + detail(result));
    this.command = command;
    this.result = result;
  }

  public CommandFailedException(Command command, String why, Throwable cause) {
    super("command \"" + command + "\" " + why, cause);
    this.command = command;
    this.result = null;
  }

  private static String detail(CommandResult r) {
    String text = !r.stderr().isBlank() ? r.stderr() : r.stdout();
    text = text.strip();
    if (text.length() > 2000) {
      text = "..." + text.substring(text.length() - 2000);
    }
    return text.isEmpty() ? "" : ": " + text;
  }

  public Command command() {
    return command;
  }

  /** The result, or null when the command never ran to completion. */
  public CommandResult result() {
    return result;
  }
}
