package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console log's cap and reads, on a plain directory (the tmpfs that bounds it is the root tests'). */
class ConsoleLogTest {

  @TempDir
  Path site;

  private ConsoleLog log() throws Exception {
    ConsoleLog log = new ConsoleLog(site.resolve("log"), site.resolve("console.last"));
    Files.createDirectories(log.dir());
    return log;
  }

  @Test
  void outsideAFileSystemOfItsOwnALogIsCutBySizeToItsTailEvenASparseTerabyteWithoutBeingCopied() throws Exception {
    ConsoleLog log = log();
    try (RandomAccessFile f = new RandomAccessFile(log.file().toFile(), "rw")) {
      f.setLength(1L << 40);
      f.seek(f.length());
      for (int i = 0; i < 1000; i++) {
        f.write(("line " + i + "\n").getBytes());
      }
    }
    log.cap("blog");
    assertThat(Files.size(log.file())).isLessThan(ConsoleLog.KEEP_BYTES + 200);
    String text = log.read(64 << 10);
    assertThat(text).contains("Pier cut this log down").endsWith("line 999\n").doesNotContain("\0");
  }

  @Test
  void aSmallLogIsLeftAloneAndWhatItSaidIsKeptWhenItsContainerGoes() throws Exception {
    ConsoleLog log = log();
    Files.writeString(log.file(), "--- Pier started blog at now ---\nAH00558: apache2\nready\n");
    log.cap("blog");
    assertThat(log.tail()).isEqualTo("AH00558: apache2\nready");
    log.keep();
    Files.delete(log.file()); // the tmpfs unmounted
    assertThat(log.read(4096)).contains("ready");
    assertThat(log.tail()).isEqualTo("AH00558: apache2\nready");
  }

  @Test
  void theLogOfAContainerAnEarlierPierStartedIsEmptiedPastTheLimitAndGoesWithIt() throws Exception {
    ConsoleLog log = log();
    Path legacy = site.resolve("console.log");
    try (RandomAccessFile f = new RandomAccessFile(legacy.toFile(), "rw")) {
      f.setLength(1L << 40);
    }
    log.cap("blog");
    assertThat(Files.size(legacy)).isZero();
    log.keep();
    assertThat(legacy).doesNotExist();
  }
}
