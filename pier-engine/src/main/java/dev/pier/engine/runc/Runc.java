package dev.pier.engine.runc;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandFailedException;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.limits.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A typed client of the runc command: one method per subcommand, each building its argument list and running
 * it through the injected runner. Containers live in runc's default state directory unless a root is given,
 * so that an operator's {@code runc list} shows them.
 */
public final class Runc implements ContainerRuntime {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final CommandRunner runner;
  private final String binary;
  private final Path root;

  /**
   * @param binary the runc program, "runc" to look it up on the PATH
   * @param root   runc's state directory, or null for its default ({@code /run/runc})
   */
  public Runc(CommandRunner runner, String binary, Path root) {
    this.runner = runner;
    this.binary = binary;
    this.root = root;
  }

  public Runc(CommandRunner runner) {
    this(runner, "runc", null);
  }

  private List<String> base(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(binary);
    if (root != null) {
      argv.add("--root");
      argv.add(root.toString());
    }
    argv.addAll(List.of(args));
    return argv;
  }

  /** The argument list of {@link #run}. Pure. */
  public List<String> runArgs(String id, Path bundle, Path pidFile) {
    List<String> argv = new ArrayList<>(List.of("setsid"));
    argv.addAll(base("run", "--detach", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id));
    return argv;
  }

  /**
   * Creates and starts the container in the background, in a session of its own (so a terminal's Ctrl-C for
   * Pier does not reach it). The container's output, and runc's, are appended to {@code consoleLog}.
   */
  @Override
  public void run(String id, Path bundle, Path pidFile, Path consoleLog) {
    runner.check(Command.of(runArgs(id, bundle, pidFile)).appendingOutputTo(consoleLog).withTimeout(Duration.ofSeconds(30)));
  }

  /** The container's state, or empty when runc knows no container of that id. */
  @Override
  public Optional<ContainerState> state(String id) {
    CommandResult r = runner.run(Command.of(base("state", id)));
    if (!r.succeeded()) {
      if (r.stderr().contains("does not exist") || r.stdout().contains("does not exist")) {
        return Optional.empty();
      }
      throw new CommandFailedException(Command.of(base("state", id)), r);
    }
    return Optional.of(parse(JSON.readTree(r.stdout())));
  }

  /** Every container runc knows in this root. */
  @Override
  public List<ContainerState> list() {
    CommandResult r = runner.check(Command.of(base("list", "--format", "json")));
    String out = r.stdout().strip();
    List<ContainerState> states = new ArrayList<>();
    if (out.isEmpty() || out.equals("null")) {
      return states;
    }
    for (JsonNode n : JSON.readTree(out)) {
      states.add(parse(n));
    }
    return states;
  }

  static ContainerState parse(JsonNode n) {
    String bundle = n.path("bundle").asString("");
    return new ContainerState(n.path("id").asString(), n.path("status").asString(), n.path("pid").asLong(0),
        bundle.isEmpty() ? null : Path.of(bundle));
  }

  /** The argument list of {@link #update}. Pure. */
  public List<String> updateArgs(String id, Limits limits) {
    return base("update",
        "--cpu-period", String.valueOf(Limits.CPU_PERIOD_US),
        "--cpu-quota", String.valueOf(limits.cpuQuotaUs()),
        "--memory", String.valueOf(limits.memoryBytes()),
        "--memory-swap", String.valueOf(limits.memoryBytes()),
        "--pids-limit", String.valueOf(limits.pids()),
        id);
  }

  /** Changes a running container's CPU, memory and process limits in place. */
  @Override
  public void update(String id, Limits limits) {
    runner.check(Command.of(updateArgs(id, limits)));
  }

  @Override
  public void pause(String id) {
    runner.check(Command.of(base("pause", id)));
  }

  @Override
  public void resume(String id) {
    runner.check(Command.of(base("resume", id)));
  }

  /** Sends a signal (such as "TERM" or "KILL") to the container's init; false when it was not running. */
  @Override
  public boolean kill(String id, String signal) {
    return runner.run(Command.of(base("kill", id, signal))).succeeded();
  }

  /** Deletes the container, killing it first if it still runs; nothing if runc does not know it. */
  @Override
  public void deleteForce(String id) {
    CommandResult r = runner.run(Command.of(base("delete", "--force", id)));
    if (!r.succeeded() && !r.stderr().contains("does not exist") && state(id).isPresent()) {
      throw new CommandFailedException(Command.of(base("delete", "--force", id)), r);
    }
  }

  @Override
  public boolean alive(ContainerState state) {
    return state.pid() > 0 && ProcessHandle.of(state.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public boolean awaitExit(ContainerState state, Duration timeout) {
    Optional<ProcessHandle> init = state.pid() > 0 ? ProcessHandle.of(state.pid()) : Optional.empty();
    if (init.isEmpty()) {
      return true;
    }
    try {
      init.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
