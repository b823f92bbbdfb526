package dev.pier.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.TestHost;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.testing.PierTestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Pier's backup repository on a disk of its own (here a small tmpfs of the test's) that fills up: the backup fails
 * with a message saying so, shown to the site's owner and to the admins; the site serves on; once room is freed, the
 * next backup works.
 */
@Tag("root")
class BackupDiskFullTest {

  @Test
  void aFullBackupDiskIsSaidAndTheSiteServesOn() throws Exception {
    TestHost host = new TestHost();
    Path disk = Files.createTempDirectory("pier-test-backupdisk-" + host.tag + "-");
    ProcessRunner runner = new ProcessRunner();
    runner.check(Command.of("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "pier-test-backupdisk", disk.toString()));
    try (PierTestServer server = new PierTestServer(host, "--pier.backup.repository=" + disk.resolve("repo"))) {
      String name = BackupTest.phpSite(server, "full");
      assertThat(server.visits(name)).isEqualTo("1");
      var first = server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      assertThat(disk.resolve("repo/config")).as("the repository is on its own disk").exists();

      Path filler = disk.resolve("filler");
      fill(filler);
      assertThat(server.visits(name)).isEqualTo("2");
      var failed = server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null);
      assertThat(failed.statusCode()).as(failed.body()).isEqualTo(507);
      assertThat(failed.body()).contains("Backup disk is full").contains("no room left");
      assertThat(server.visits(name)).as("the site serves on").isEqualTo("3");
      JsonNode overview = PierTestServer.json(server.api("admin", "GET", "/api/v1/backups", null));
      JsonNode row = null;
      for (JsonNode r : overview.path("sites")) {
        row = r.path("site").asString().equals(name) ? r : row;
      }
      assertThat(row.path("lastFailure").path("message").asString()).as(overview.toString()).contains("no room left");
      assertThat(PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null)).size())
          .as("the backup made before is still there").isEqualTo(1);

      Files.delete(filler);
      var again = server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
      overview = PierTestServer.json(server.api("admin", "GET", "/api/v1/backups", null));
      for (JsonNode r : overview.path("sites")) {
        if (r.path("site").asString().equals(name)) {
          assertThat(r.path("lastFailure").isNull()).as("a good backup clears the failure").isTrue();
        }
      }
    } finally {
      runner.run(Command.of("umount", disk.toString()));
      MoreFiles.deleteRecursively(disk);
    }
  }

  /** Writes zeros into {@code file} until its disk has not a byte of room left. */
  private static void fill(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int size = 1 << 16; size >= 1; size /= 2) {
        byte[] chunk = new byte[size];
        try {
          while (true) {
            out.write(chunk);
          }
        } catch (IOException full) {
          if (!String.valueOf(full.getMessage()).contains("No space left")) {
            throw full;
          }
        }
      }
    }
  }
}
