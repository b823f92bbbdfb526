package dev.pier.engine.image;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One build's log and its {@link BuildRecord}: Pier's steps go to both ("P: " lines in the log, for people; the
 * step in the record, for Pier); while debootstrap runs, its own progress lines ("I: Retrieving apache2") become
 * the record's step as they appear.
 */
final class BuildProgress {

  private static final Logger log = LoggerFactory.getLogger(BuildProgress.class);

  private final Path logFile;
  private final Path recordFile;
  private BuildRecord record;

  BuildProgress(Path logFile, String version) {
    this.logFile = logFile.toAbsolutePath();
    this.recordFile = BuildRecord.beside(this.logFile);
    try {
      Files.createDirectories(this.logFile.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of " + logFile, e);
    }
    record = new BuildRecord(version, BuildRecord.State.BUILDING, "starting debootstrap", null, Instant.now(), null);
    record.write(recordFile);
  }

  Path log() {
    return logFile;
  }

  /** A step of Pier's own: a "P: " line in the log, and the record's step. */
  void note(String line) {
    append("P: " + line);
    step(line);
  }

  private synchronized void step(String step) {
    if (record.state() == BuildRecord.State.BUILDING && !step.equals(record.step())) {
      record = record.withStep(step);
      record.write(recordFile);
    }
  }

  /** Runs a program writing to the log, turning its latest progress line into the record's step twice a second. */
  void whileRunning(Runnable program) {
    Thread watcher = Thread.ofVirtual().start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
        latestProgress().ifPresent(this::step);
      }
    });
    try {
      program.run();
    } finally {
      watcher.interrupt();
    }
  }

  /** debootstrap's latest "I: " line or Pier's latest "P: " line, without the prefix and a trailing "...". */
  private Optional<String> latestProgress() {
    String tail;
    try {
      tail = MoreFiles.tail(logFile, 4096);
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
    List<String> lines = tail.lines().filter(l -> l.startsWith("I: ") || l.startsWith("P: ")).toList();
    return lines.isEmpty() ? Optional.empty()
        : Optional.of(lines.getLast().substring(3).replaceFirst("\\.\\.\\.$", "").strip());
  }

  synchronized void ready(String line) {
    append("P: " + line);
    record = record.ready();
    record.write(recordFile);
  }

  /** The build failed: said in the log and in the record; never throws, since the build's own error matters more. */
  synchronized void failed(String why) {
    append("P: Build failed: " + why);
    record = record.failed(why);
    try {
      record.write(recordFile);
    } catch (UncheckedIOException e) {
      log.warn("cannot record the failed build in {}: {}", recordFile, e.getMessage());
    }
  }

  private void append(String line) {
    try {
      Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("cannot write the build log {}: {}", logFile, e.getMessage());
    }
  }
}
