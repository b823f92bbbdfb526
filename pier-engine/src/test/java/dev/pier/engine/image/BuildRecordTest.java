package dev.pier.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.testing.FakeHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build's state is data beside its log, written at each step; read back without the log's text. No root. */
class BuildRecordTest {

  @TempDir
  Path dir;

  private final ImageRecipe recipe = new ImageRecipe("tools", List.of("curl"));

  private DebianImages images(CommandRunner runner) throws IOException {
    Path tini = Files.writeString(dir.resolve("tini"), "fake tini\n");
    try (FakeHost host = new FakeHost()) {
      return new DebianImages(runner, host, dir.resolve("images"), tini, () -> new AptSource("http://deb.example.test/debian", "trixie"));
    }
  }

  @Test
  void aFailedDebootstrapIsRecordedAsFailedWithWhy() throws IOException {
    DebianImages images = images(c -> new CommandResult(1, "", "E: no such package"));
    String version = images.newVersion(recipe);
    Path log = dir.resolve("builds/tools/" + version + ".log");
    assertThatThrownBy(() -> images.build(recipe, version, log)).hasMessageContaining("debootstrap failed");

    BuildRecord r = BuildRecord.read(BuildRecord.beside(log)).orElseThrow();
    assertThat(r.version()).isEqualTo(version);
    assertThat(r.state()).isEqualTo(BuildRecord.State.FAILED);
    assertThat(r.error()).contains("debootstrap failed");
    assertThat(r.finishedAt()).isNotNull();
    assertThat(BuildRecord.forLog(log)).isEqualTo(r);
    assertThat(Files.readString(log)).contains("P: Build failed: debootstrap failed"); // for people, not read back
    assertThat(images.versions("tools")).isEmpty();
  }

  @Test
  void aBuildUnderWayShowsItsLatestStepAndEndsReady() throws IOException {
    Path[] record = new Path[1];
    BuildRecord[] seenWhileRunning = new BuildRecord[1];
    DebianImages images = images(c -> {
      // debootstrap "runs": its progress comes out line by line (and so into the log), it writes the image's files
      Path root = Path.of(c.argv().get(c.argv().size() - 2));
      try {
        c.outputLines().accept("I: Retrieving curl...");
        Files.writeString(c.outputFile(), "I: Retrieving curl...\n", java.nio.file.StandardOpenOption.APPEND);
        seenWhileRunning[0] = BuildRecord.read(record[0]).orElseThrow();
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.writeString(root.resolve("usr/sbin/apache2"), "");
        Files.createDirectories(root.resolve("etc/apache2/conf-available"));
        Files.createDirectories(root.resolve("etc/apache2/conf-enabled"));
        Files.createDirectories(root.resolve("etc/apache2/mods-enabled"));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return new CommandResult(0, "", "");
    });
    String version = images.newVersion(recipe);
    Path log = dir.resolve("builds/tools/" + version + ".log");
    record[0] = BuildRecord.beside(log);
    Image built = images.build(recipe, version, log);

    assertThat(seenWhileRunning[0].state()).isEqualTo(BuildRecord.State.BUILDING);
    assertThat(seenWhileRunning[0].step()).isEqualTo("Retrieving curl");
    BuildRecord done = BuildRecord.read(record[0]).orElseThrow();
    assertThat(done.state()).isEqualTo(BuildRecord.State.READY);
    assertThat(done.error()).isNull();
    assertThat(images.versions("tools")).containsExactly(version);
    // Apache's settings come from the resource files.
    assertThat(built.rootfs().resolve("etc/apache2/conf-available/pier.conf")).content().isEqualTo(PierSetup.resource("pier.conf"));
    assertThat(PierSetup.resource("pier.conf")).contains("RemoteIPHeader X-Forwarded-For").contains("\\\"%r\\\"");
    assertThat(built.rootfs().resolve("usr/local/sbin/pier-apache")).content().contains("exec /usr/sbin/apache2 -DFOREGROUND");
  }

  @Test
  void aLogWithoutRecordIsABuildThatNeverFinished() throws IOException {
    Path log = Files.createDirectories(dir.resolve("old")).resolve("20260101-000000-000-0123abcd.log");
    Files.writeString(log, "P: Building image ...\n");
    BuildRecord r = BuildRecord.forLog(log);
    assertThat(r.version()).isEqualTo("20260101-000000-000-0123abcd");
    assertThat(r.state()).isEqualTo(BuildRecord.State.BUILDING);
    assertThat(r.finishedAt()).isNotNull();
  }
}
