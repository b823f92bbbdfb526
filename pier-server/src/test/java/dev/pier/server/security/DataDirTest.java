package dev.pier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pier's data directory is its own: another account on the host (or a process escaped from a container as an
 * unprivileged user) reads nothing of it, neither the database nor the directory's password hashes, even when the
 * data directory was made by hand with the default mode.
 */
@Tag("root")
class DataDirTest {

  /** What {@code cat} prints (or says) when run as the unprivileged user {@code nobody}. */
  private static String asNobody(Path file) throws Exception {
    Process p = new ProcessBuilder(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", file.toString()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  @Test
  void anotherAccountOnTheHostReadsNothingOfPiersData() throws Exception {
    TestHost host = new TestHost();
    Files.setPosixFilePermissions(host.dataDir, PosixFilePermissions.fromString("rwxr-xr-x")); // as mkdir makes it
    try (PierTestServer server = new PierTestServer(host)) {
      assertThat(server.api("alice", "GET", "/api/v1/sites", null).statusCode()).isEqualTo(200);
      // Each made by Pier with the default umask (the log is not among them: in a test run, several servers share
      // one JVM and its first log file).
      Path database = host.dataDir.resolve("db/pier.mv.db");
      Path directory = host.dataDir.resolve("ldap/directory.ldif");
      assertThat(database).exists();
      assertThat(directory).exists();
      assertThat(Files.getPosixFilePermissions(host.dataDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.getPosixFilePermissions(database)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.getPosixFilePermissions(database.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(asNobody(database)).as("the database, as nobody").contains("Permission denied");
      assertThat(asNobody(directory)).as("the directory's users and password hashes, as nobody").contains("Permission denied")
          .doesNotContain("userPassword");
    }
  }
}
