package dev.pier.engine.runc;

import dev.pier.engine.limits.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The container runtime the engine drives: one method per operation on a container, named by its id. {@link Runc}
 * is the real one; tests use an in-memory one. Implementations report a container that does not exist as empty
 * or false, never as an error, so that every caller's teardown is idempotent.
 */
public interface ContainerRuntime {

  /**
   * Creates and starts the container from the bundle's {@code config.json} in the background, writing its init's
   * pid to {@code pidFile} and appending its output to {@code consoleLog}.
   */
  void run(String id, Path bundle, Path pidFile, Path consoleLog);

  /** The container's state, or empty when the runtime knows no container of that id. */
  Optional<ContainerState> state(String id);

  /** Every container the runtime knows, this Pier's and any other's. */
  List<ContainerState> list();

  /** Changes a running container's CPU, memory and process limits in place. */
  void update(String id, Limits limits);

  /** Sends a signal ("TERM", "KILL") to the container's init; false when it was not running. */
  boolean kill(String id, String signal);

  /** Freezes every process of the running container (the cgroup freezer); throws when the runtime refuses. */
  void pause(String id);

  /** Thaws the container {@link #pause} froze; throws when the runtime refuses. */
  void resume(String id);

  /** Deletes the container, killing it first if it still runs; nothing if the runtime does not know it. */
  void deleteForce(String id);

  /** Whether the init process the state names is still alive (a cheap check, no runtime call). */
  boolean alive(ContainerState state);

  /** Waits until the init process the state names has exited, at most {@code timeout}; true if it has. */
  boolean awaitExit(ContainerState state, Duration timeout);
}
