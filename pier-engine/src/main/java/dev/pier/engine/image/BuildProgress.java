package dev.pier.engine.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One build's log and its {@link BuildRecord}: Pier's steps go to both ("P: " lines in the log, for people; the
 * step in the record, for Pier); while debootstrap runs, its own progress lines ("I: Retrieving apache2") become
 * the record's step as they come out of it (the log is only ever written here, never read).
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

  /** A line of debootstrap's output as it comes: its progress lines ("I: Retrieving apache2...") become the step. */
  void outputLine(String line) {
    if (line.startsWith("I: ")) {
      step(line.substring(3).replaceFirst("\\.\\.\\.$", "").strip());
    }
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
