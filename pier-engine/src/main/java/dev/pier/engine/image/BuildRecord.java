package dev.pier.engine.image;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One image build as data, kept as a small JSON file beside its log ({@code VERSION.json} beside
 * {@code VERSION.log}) and rewritten at each step, so that its state is read back from it, never from the log.
 *
 * @param version    the version the build makes
 * @param state      building, ready or failed; a record left "building" by a Pier that died means an unfinished build
 * @param step       the build's latest step ("Retrieving apache2", "Setting the image up for Pier"), while it builds
 * @param error      why it failed (null unless failed)
 * @param startedAt  when it began
 * @param finishedAt when it ended (null while building)
 */
public record BuildRecord(String version, State state, String step, String error, Instant startedAt, Instant finishedAt) {

  public enum State { BUILDING, READY, FAILED }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The record file of the build whose log is {@code log}: the same name with {@code .json}. */
  public static Path beside(Path log) {
    String name = log.getFileName().toString();
    return log.resolveSibling((name.endsWith(".log") ? name.substring(0, name.length() - 4) : name) + ".json");
  }

  /** The record in {@code file}; empty when there is none or it cannot be read (a crash mid-write leaves the old one). */
  public static Optional<BuildRecord> read(Path file) {
    try {
      return Files.isRegularFile(file) ? Optional.of(JSON.readValue(Files.readString(file), BuildRecord.class)) : Optional.empty();
    } catch (IOException | JacksonException e) {
      return Optional.empty();
    }
  }

  /**
   * What is known of the build whose log is {@code log}: its record, or for a log without one (written before
   * builds were recorded) a build of the log's version that never finished. The end time is the log's last change
   * when the record has none.
   */
  public static BuildRecord forLog(Path log) {
    String version = log.getFileName().toString().replaceFirst("\\.log$", "");
    BuildRecord r = read(beside(log)).orElse(new BuildRecord(version, State.BUILDING, null, null, null, null));
    if (r.finishedAt() != null) {
      return r;
    }
    Instant changed;
    try {
      changed = Files.getLastModifiedTime(log).toInstant();
    } catch (IOException e) {
      changed = null;
    }
    return new BuildRecord(r.version(), r.state(), r.step(), r.error(), r.startedAt(), changed);
  }

  /** Writes the record to {@code file} atomically. */
  public void write(Path file) {
    MoreFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
  }

  public BuildRecord withStep(String newStep) {
    return new BuildRecord(version, state, newStep, error, startedAt, finishedAt);
  }

  public BuildRecord ready() {
    return new BuildRecord(version, State.READY, null, null, startedAt, Instant.now());
  }

  public BuildRecord failed(String why) {
    return new BuildRecord(version, State.FAILED, null, why, startedAt, Instant.now());
  }
}
