package dev.pier.engine.container;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * What a site's container printed, {@code console.log}, with one older generation {@code console.log.1}: each
 * start marks where its output begins; the log is kept under {@link #ROTATE_BYTES}.
 */
public record ConsoleLog(Path file) {

  /** Largest size of console.log before it is moved to console.log.1. */
  public static final long ROTATE_BYTES = 8L << 20;
  private static final String MARK = "--- Pier started ";

  private Path older() {
    return file.resolveSibling(file.getFileName() + ".1");
  }

  /** Rotates the log when it has grown past {@link #ROTATE_BYTES}, then marks where this start's output begins. */
  public void startSection(String site) {
    try {
      if (Files.exists(file) && Files.size(file) > ROTATE_BYTES) {
        Files.move(file, older(), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.writeString(file, MARK + site + " at " + Instant.now() + " ---\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log of site \"" + site + "\"", e);
    }
  }

  /**
   * Keeps a running site's log under {@link #ROTATE_BYTES}: past it, the log is copied to {@code console.log.1} and
   * emptied in place (the container writes with O_APPEND, so it goes on at the start).
   */
  public void cap(String site) {
    try {
      if (Files.exists(file) && Files.size(file) > ROTATE_BYTES) {
        Files.copy(file, older(), StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(0);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rotate the log of site \"" + site + "\"", e);
    }
  }

  /** Up to the last {@code maxBytes}, oldest first. */
  public String read(int maxBytes) {
    return MoreFiles.tail(file, maxBytes);
  }

  /** What the container printed since its last start, at most the last 4 KiB, for error messages. */
  public String tail() {
    String tail = read(4096);
    int mark = tail.lastIndexOf(MARK);
    if (mark >= 0) {
      int eol = tail.indexOf('\n', mark);
      tail = eol < 0 ? "" : tail.substring(eol + 1);
    }
    tail = tail.strip();
    return tail.isEmpty() ? "(no output)" : tail;
  }
}
