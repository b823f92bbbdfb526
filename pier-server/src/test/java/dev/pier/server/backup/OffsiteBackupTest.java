package dev.pier.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.TestHost;
import dev.pier.engine.testing.TestOutside;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.testing.PierTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backups go off-site too, to a restic repository over SFTP on a real OpenSSH server (in a network namespace of the
 * test's own); and when the machine is lost, a whole Pier comes back from there onto an empty data directory: its
 * database, directory and keys, then every site with its content and data, serving again.
 */
@Tag("root")
class OffsiteBackupTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void backupsGoOffSiteOverSftpAndAWholePierComesBackFromThereOntoAnEmptyDataDirectory() throws Exception {
    TestHost host = new TestHost();
    try (TestOutside outside = new TestOutside(host.tag); SftpServer sftp = new SftpServer(outside);
        PierTestServer server = new PierTestServer(host)) {
      String name = BackupTest.phpSite(server, "far");
      assertThat(server.visits(name)).isEqualTo("1");
      assertThat(server.visits(name)).isEqualTo("2");
      String password = "offsite-secret-" + host.tag;
      String url = sftp.url("repo");

      // A server whose host key is not the one given is refused: nothing is kept.
      var wrongHost = server.api("admin", "PUT", "/api/v1/backups/offsite", settings(url, password, Files.readString(sftp.clientKey),
          sftp.address + " " + Files.readString(sftp.dir.resolve("client-key.pub")).strip()));
      assertThat(wrongHost.statusCode()).as(wrongHost.body()).isEqualTo(400);
      assertThat(wrongHost.body()).contains("does not open").contains("cannot open the backup repository " + url);
      assertThat(server.api("admin", "GET", "/api/v1/backups/offsite", null).body()).as("none kept").isIn("", "null");
      assertThat(server.api("alice", "PUT", "/api/v1/backups/offsite", settings(url, password, "", "")).statusCode()).isEqualTo(403);
      var badUrl = server.api("admin", "PUT", "/api/v1/backups/offsite", settings("ftp://x/y", password, "", ""));
      assertThat(badUrl.statusCode()).isEqualTo(400);
      assertThat(badUrl.body()).contains("is not one restic reaches");

      var set = server.api("admin", "PUT", "/api/v1/backups/offsite", settings(url, password, Files.readString(sftp.clientKey), sftp.knownHosts));
      assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
      assertThat(set.body()).contains(url).doesNotContain(password).doesNotContain("PRIVATE KEY");

      JsonNode backup = PierTestServer.json(server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null));
      assertThat(backup.path("offsite").asString()).as(backup.toString()).isEqualTo("copied");
      var self = server.api("admin", "POST", "/api/v1/backups/pier", null);
      assertThat(self.statusCode()).as(self.body()).isEqualTo(201);
      assertThat(PierTestServer.json(self).path("offsite").asString()).isEqualTo("copied");
      assertThat(server.api("alice", "POST", "/api/v1/backups/pier", null).statusCode()).isEqualTo(403);

      // What the off-site repository holds, read by restic on the server's own disk, and checked whole.
      Path passwordFile = Files.createTempFile("pier-test-offsite-password-", "");
      try {
        Files.writeString(passwordFile, password);
        Path repo = sftp.dir.resolve("repo");
        String snaps = restic(repo, passwordFile, "snapshots", "--json").stdout();
        assertThat(snaps).contains("site:" + name).contains(PierBackups.TAG);
        assertThat(restic(repo, passwordFile, "check", "--read-data").succeeded()).isTrue();
        JsonNode overview = PierTestServer.json(server.api("admin", "GET", "/api/v1/backups", null));
        assertThat(overview.path("offsite").path("repository").asString()).isEqualTo(url);
        assertThat(overview.path("pier").path("lastBackup").isNull()).as(overview.toString()).isFalse();
        String adminPassword = server.password("admin");

        // The machine is lost: no container, mount or network is left, and the data directory is empty.
        server.stopServer();
        host.wipeRuntime();
        MoreFiles.deleteRecursively(host.dataDir);
        Files.createDirectories(host.dataDir);

        String said = PierRestore.restore(new ProcessRunner(), url, passwordFile, sftp.clientKey, host.dataDir);
        assertThat(said).contains("restored Pier's backup");
        assertThat(host.dataDir.resolve(PierRestore.MARKER)).exists();
        assertThat(PierRestore.main(new String[] {"--from", url, "--password-file", passwordFile.toString(), "--data-dir",
            host.dataDir.toString()})).as("never over a Pier").isEqualTo(2);
        Files.writeString(host.dataDir.resolve("initial-admin-password"), adminPassword); // the admin's own copy

        server.start();
        // (no visit until the restore is over: the site first comes back with a new starter page, which counts too)
        for (int i = 0; i < 3000 && Files.exists(host.dataDir.resolve(PierRestore.MARKER)); i++) {
          Thread.sleep(100);
        }
        assertThat(host.dataDir.resolve(PierRestore.MARKER)).as("the restore is over").doesNotExist();
        assertThat(server.visits(name)).as("the site serves again, its SQLite data as it was backed up").isEqualTo("3");
        JsonNode site = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name, null));
        assertThat(site.path("owner").asString()).isEqualTo("alice");
        assertThat(site.path("state").asString()).isEqualTo("RUNNING");
        assertThat(PierTestServer.json(server.api("admin", "GET", "/api/v1/backups/offsite", null)).path("repository").asString())
            .as("the off-site settings came back too").isEqualTo(url);
      } finally {
        Files.deleteIfExists(passwordFile);
      }
    }
  }

  private static String settings(String url, String password, String key, String knownHosts) {
    return JSON.writeValueAsString(Map.of("repository", url, "password", password, "sshKey", key, "knownHosts", knownHosts));
  }

  private static CommandResult restic(Path repo, Path passwordFile, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("restic", "--no-cache", "-r", repo.toString(), "--password-file", passwordFile.toString()));
    argv.addAll(List.of(args));
    return new ProcessRunner().run(Command.of(argv).withTimeout(java.time.Duration.ofMinutes(5)));
  }
}
