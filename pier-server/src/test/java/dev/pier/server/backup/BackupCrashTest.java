package dev.pier.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pier killed with SIGKILL in the middle of a backup, then of a restore (once the site is stopped for its data swap):
 * started again, it leaves no half-restored site (its release and its data are both the backup's, or both as before),
 * the site runs as it did, the repository passes restic's check, and the next backup runs.
 */
@Tag("root")
class BackupCrashTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private TestHost host;
  private PierProcess pier;

  @AfterEach
  void tearDown() throws Exception {
    if (pier != null) {
      pier.stopKeepingLogs(Path.of("target", "backup-crash-logs"));
      resticGone();
    }
    if (host != null) {
      host.close();
    }
  }

  @Test
  void killedDuringABackupAndARestorePierLeavesNoHalfRestoredSiteAndAWholeRepository() throws Exception {
    host = new TestHost();
    pier = new PierProcess(host, "--pier.backup.daily=false", "--pier.backup.before-publish=false");
    pier.start();
    String name = host.siteName("crash");
    phpSite(name);
    assertThat(pier.visits(name)).isEqualTo("1");
    assertThat(pier.visits(name)).isEqualTo("2");
    var first = pier.request("POST", "/api/v1/sites/" + name + "/backups", null);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String id = JSON.readTree(first.body()).path("id").asString();
    assertThat(pier.visits(name)).isEqualTo("3");

    // Killed while restic writes a backup.
    CompletableFuture.runAsync(() -> quietly(() -> pier.request("POST", "/api/v1/sites/" + name + "/backups", null)));
    waitForChild("backup");
    pier.kill();
    resticGone();
    pier.start();
    assertThat(settled(name).path("state").asString()).as(pier.log()).isEqualTo("RUNNING");
    assertThat(pier.visits(name)).as("the site serves on, its data whole").isEqualTo("4");
    CommandResult checked = check();
    assertThat(checked.succeeded()).as(checked.toString()).isTrue();
    var next = pier.request("POST", "/api/v1/sites/" + name + "/backups", null);
    assertThat(next.statusCode()).as("the next backup runs: " + next.body()).isEqualTo(201);

    // Killed during a restore, once the site is stopped for its data swap.
    CompletableFuture.runAsync(() -> quietly(() -> pier.request("POST", "/api/v1/sites/" + name + "/backups/" + id + "/restore", "{}")));
    String state = "RUNNING";
    for (int i = 0; i < 6000 && state.equals("RUNNING"); i++) {
      Thread.sleep(5);
      state = JSON.readTree(pier.request("GET", "/api/v1/sites/" + name, null).body()).path("state").asString();
    }
    assertThat(state).as("the restore stops the site").isNotEqualTo("RUNNING");
    pier.kill();
    resticGone();
    pier.start();
    JsonNode site = settled(name);
    for (int i = 0; i < 600 && Files.exists(host.dataDir.resolve("restores").resolve(name + ".json")); i++) {
      Thread.sleep(100);
      site = settled(name);
    }
    assertThat(host.dataDir.resolve("restores").resolve(name + ".json")).as("the cut restore is dealt with").doesNotExist();
    assertThat(site.path("state").asString()).as("running again, as before the restore: " + pier.log()).isEqualTo("RUNNING");
    JsonNode live = null;
    for (JsonNode rel : JSON.readTree(pier.request("GET", "/api/v1/sites/" + name + "/releases", null).body())) {
      live = rel.path("active").asBoolean() ? rel : live;
    }
    boolean restored = live.path("source").asString().startsWith("restore of backup");
    assertThat(pier.visits(name)).as(restored ? "the backup's release, so its data: two visits, and this one"
        : "the release before, so the data before: four visits, and this one").isEqualTo(restored ? "3" : "5");
    checked = check();
    assertThat(checked.succeeded()).as(checked.toString()).isTrue();
    assertThat(pier.request("POST", "/api/v1/sites/" + name + "/backups", null).statusCode()).isEqualTo(201);
  }

  /** A debian-php site, started (the image built first on a machine where the engine's tests did not). */
  private void phpSite(String name) throws Exception {
    JsonNode php = JSON.readTree(pier.request("GET", "/api/v1/images/debian-php", null).body());
    if (!php.path("status").asString().equals("ready")) {
      pier.request("POST", "/api/v1/images/debian-php/builds", null);
      for (int i = 0; i < 600 && !php.path("status").asString().equals("ready"); i++) {
        Thread.sleep(500);
        php = JSON.readTree(pier.request("GET", "/api/v1/images/debian-php", null).body());
      }
    }
    var made = pier.request("POST", "/api/v1/sites", "{\"name\":\"" + name + "\",\"image\":\"debian-php\"}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    assertThat(pier.request("POST", "/api/v1/sites/" + name + "/start", null).statusCode()).isEqualTo(200);
  }

  /** The site once Pier settled it after its start (no state of passage left). */
  private JsonNode settled(String name) throws Exception {
    JsonNode s = JSON.readTree(pier.request("GET", "/api/v1/sites/" + name, null).body());
    for (int i = 0; i < 600 && s.path("state").asString().matches("CREATING|STARTING|STOPPING|DELETING"); i++) {
      Thread.sleep(100);
      s = JSON.readTree(pier.request("GET", "/api/v1/sites/" + name, null).body());
    }
    return s;
  }

  /** restic's check of Pier's repository, reading all its data. */
  private CommandResult check() {
    Path data = host.dataDir;
    return new ProcessRunner().run(Command.of(List.of("restic", "--no-cache", "--repo", data.resolve("backups").toString(), "--password-file",
        data.resolve("backup-password").toString(), "check", "--read-data")).withTimeout(java.time.Duration.ofMinutes(5)));
  }

  /** Waits until the server runs {@code restic ... WORD} (its child). */
  private void waitForChild(String word) throws Exception {
    for (int i = 0; i < 12000; i++) {
      for (String[] argv : resticOf(host.dataDir)) {
        if (List.of(argv).contains(word)) {
          return;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the server never ran restic " + word + ": " + pier.log());
  }

  /** Waits until no restic on this test's repository runs (one the killed server left ends on its own). */
  private void resticGone() throws Exception {
    for (int i = 0; i < 1200 && !resticOf(host.dataDir).isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertThat(resticOf(host.dataDir)).as("restic left running").isEmpty();
  }

  /** The argument lists of the restic processes working on a repository under {@code dir}. */
  private static List<String[]> resticOf(Path dir) throws IOException {
    List<String[]> found = new java.util.ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(q -> q.getFileName().toString().matches("[0-9]+")).toList()) {
        try {
          String[] argv = Files.readString(p.resolve("cmdline")).split("\0");
          if (argv.length > 0 && argv[0].endsWith("restic") && String.join(" ", argv).contains(dir.toString())) {
            found.add(argv);
          }
        } catch (IOException gone) {
          // ended meanwhile
        }
      }
    }
    return found;
  }

  private interface Call {
    Object run() throws Exception;
  }

  private static void quietly(Call call) {
    try {
      call.run();
    } catch (Exception killed) {
      // the server died under the request: that is the point
    }
  }
}
