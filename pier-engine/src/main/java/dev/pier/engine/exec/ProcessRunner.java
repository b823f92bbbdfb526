package dev.pier.engine.exec;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real runner: {@link ProcessBuilder} with stdin from /dev/null (or the command's input), output captured or
 * appended to a file (and then, if the command asks, handed line by line to its listener on the way).
 */
public final class ProcessRunner implements CommandRunner {

  private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);

  @Override
  public CommandResult run(Command command) {
    ProcessBuilder pb = new ProcessBuilder(command.argv()).redirectInput(command.input() != null
        ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(command.env());
    boolean lines = command.outputFile() != null && command.outputLines() != null;
    if (lines) {
      pb.redirectErrorStream(true); // read here, line by line, and appended to the file
    } else if (command.outputFile() != null) {
      ProcessBuilder.Redirect file = ProcessBuilder.Redirect.appendTo(command.outputFile().toFile());
      pb.redirectOutput(file).redirectError(file);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CommandFailedException(command, "could not be started: " + e.getMessage(), e);
    }
    if (command.input() != null) {
      OutputStream stdin = p.getOutputStream();
      Thread.ofVirtual().start(() -> { // beside the reads of its output: a program may write before it reads all
        try (stdin) {
          stdin.write(command.input().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          log.debug("command \"{}\" did not read all its input: {}", command, e.getMessage());
        }
      });
    }
    CompletableFuture<String> out = lines ? follow(p.getInputStream(), command)
        : command.outputFile() == null ? drain(p.getInputStream()) : CompletableFuture.completedFuture("");
    CompletableFuture<String> err = command.outputFile() == null ? drain(p.getErrorStream()) : CompletableFuture.completedFuture("");
    try {
      if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor();
        throw new CommandFailedException(command, "did not finish within " + command.timeout().toSeconds() + " s", null);
      }
      CommandResult result = new CommandResult(p.exitValue(), out.get(), err.get());
      if (!result.succeeded()) {
        log.debug("command \"{}\" exited with status {}: {}", command, result.exitCode(), result.stderr().strip());
      }
      return result;
    } catch (InterruptedException | ExecutionException e) {
      throw failed(command, p, e);
    }
  }

  /** An interrupted wait (the process then killed) or an output that could not be read, as the command's failure. */
  private static CommandFailedException failed(Command command, Process p, Exception e) {
    if (e instanceof ExecutionException x) {
      return new CommandFailedException(command, "output could not be read", x.getCause());
    }
    p.destroyForcibly();
    Thread.currentThread().interrupt();
    return new CommandFailedException(command, "was interrupted", e);
  }

  @Override
  public Running start(Command command) {
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(command.argv());
      pb.environment().putAll(command.env());
      p = pb.start();
    } catch (IOException e) {
      throw new CommandFailedException(command, "could not be started: " + e.getMessage(), e);
    }
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> err = drain(p.getErrorStream());
    return new Running() {
      @Override
      public long pid() {
        return p.pid();
      }

      @Override
      public String readLine() {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
          try {
            line.complete(out.readLine());
          } catch (IOException e) {
            line.completeExceptionally(e);
          }
        });
        try {
          return line.get(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          p.destroyForcibly();
          throw new CommandFailedException(command, "printed nothing within " + command.timeout().toSeconds() + " s", null);
        } catch (InterruptedException | ExecutionException e) {
          throw failed(command, p, e);
        }
      }

      @Override
      public String errors() {
        try {
          return p.waitFor(1, TimeUnit.SECONDS) ? err.get(1, TimeUnit.SECONDS).strip() : "";
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "";
        } catch (ExecutionException | TimeoutException e) {
          return "";
        }
      }

      @Override
      public void close() {
        try {
          p.getOutputStream().close();
          if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
          }
          p.waitFor();
        } catch (IOException e) {
          p.destroyForcibly();
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        } finally {
          try {
            out.close();
          } catch (IOException e) {
            log.debug("closing the output of \"{}\": {}", command, e.getMessage());
          }
        }
      }
    };
  }

  /** Hands each line of the output to the command's listener, then appends it to its file; completes with "" at the end. */
  private static CompletableFuture<String> follow(InputStream in, Command command) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
          Writer file = Files.newBufferedWriter(command.outputFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND)) {
        for (String line; (line = r.readLine()) != null; ) {
          try {
            command.outputLines().accept(line);
          } catch (RuntimeException e) {
            log.debug("the output listener of \"{}\" failed: {}", command, e.getMessage());
          }
          file.write(line + "\n");
          file.flush();
        }
        f.complete("");
      } catch (IOException e) {
        f.completeExceptionally(new UncheckedIOException(e));
      }
    });
    return f;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (in) {
        f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        f.completeExceptionally(new UncheckedIOException(e));
      }
    });
    return f;
  }
}
