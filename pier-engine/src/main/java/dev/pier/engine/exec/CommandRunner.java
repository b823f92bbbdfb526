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

  /**
   * Starts the command and leaves it running, its stdin and stdout open to the caller: for a helper that must live
   * while Pier uses it (a process holding a user namespace, say). Runners that cannot start programs refuse.
   */
  default Running start(Command command) {
    throw new CommandFailedException(command, "cannot be started by this runner", null);
  }

  /** A program {@link #start started} and still running until {@link #close}. */
  interface Running extends AutoCloseable {

    long pid();

    /** The next line it printed, waiting for it up to the command's time limit; null once it closed its output. */
    String readLine();

    /** What it printed on stderr, once it ended (empty while it runs). */
    String errors();

    /** Closes its stdin and waits for it to end, killing it past the command's time limit. */
    @Override
    void close();
  }
}
