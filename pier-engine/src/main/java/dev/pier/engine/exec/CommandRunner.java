package dev.pier.engine.exec;

/**
 * Runs external programs. Every program Pier starts goes through one injected runner, so that tests can
 * record or fake them and logs show each failed command with its exit status.
 */
public interface CommandRunner {

  /** Runs the command to completion (or its time limit) and returns what it left; never throws for a non-zero exit. */
  CommandResult run(Command command);

  /** Runs the command and throws {@link CommandFailedException} naming it unless it exits with status 0. */
  default CommandResult check(Command command) {
    CommandResult r = run(command);
    if (!r.succeeded()) {
      throw new CommandFailedException(command, r);
    }
    return r;
  }
}
