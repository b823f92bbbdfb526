package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.TestHost;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.testing.PierTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each state a crash can leave a site in, made on purpose, then Pier started again: the operation is finished
 * and the host matches what the API shows.
 */
@Tag("root")
class ReconcilerTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String create(String base, boolean start) throws Exception {
    String name = server.host.siteName(base);
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(201);
    if (start) {
      assertThat(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null).statusCode()).isEqualTo(200);
    }
    return name;
  }

  /** As a crash in the middle of an operation leaves the row: its state, and the wish of whoever asked. */
  private void setState(String name, String state) {
    server.context().getBean(JdbcClient.class).sql("UPDATE sites SET state = ?, wish = ? WHERE name = ?")
        .params(state, SiteWish.implied(SiteState.valueOf(state)).name(), name).update();
  }

  private String state(String name) throws Exception {
    var r = server.api("alice", "GET", "/api/v1/sites/" + name, null);
    return r.statusCode() == 404 ? "GONE" : JsonMapper.builder().build().readTree(r.body()).path("state").asString();
  }

  @Test
  void interruptedOperationsAreFinishedAtTheNextStart() throws Exception {
    String starting = create("starting", false);   // killed during start, before runc
    String stopping = create("stopping", true);    // killed during stop, container still up
    String deleting = create("deleting", true);    // killed during delete, everything still there
    String creating = create("creating", false);   // killed during create, directory not made yet
    String running = create("running", true);     // container died while Pier was down
    setState(starting, "STARTING");
    setState(stopping, "STOPPING");
    setState(deleting, "DELETING");
    setState(creating, "CREATING");
    server.stopServer();
    MoreFiles.deleteRecursively(server.host.dataDir.resolve("sites").resolve(creating));
    new ProcessRunner().check(Command.of("runc", "delete", "--force", "pier-" + running));

    server.start();

    assertThat(state(starting)).isEqualTo("RUNNING");
    assertThat(server.visit(starting).body()).contains("<h1>" + starting + "</h1>");
    assertThat(state(stopping)).isEqualTo("STOPPED");
    assertThat(TestHost.hostObjectsNamed(stopping)).isEmpty();
    assertThat(state(deleting)).isEqualTo("GONE");
    assertThat(TestHost.hostObjectsNamed(deleting)).isEmpty();
    assertThat(server.host.dataDir.resolve("sites").resolve(deleting)).doesNotExist();
    assertThat(state(creating)).isEqualTo("STOPPED");
    assertThat(server.host.dataDir.resolve("sites").resolve(creating).resolve("disk.img")).exists();
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + creating + "/start", null).statusCode()).isEqualTo(200);
    assertThat(server.visit(creating).body()).as("its default page was made").contains("<h1>" + creating + "</h1>");
    assertThat(state(running)).isEqualTo("RUNNING");
    assertThat(server.visit(running).body()).contains("<h1>" + running + "</h1>");
  }

  @Test
  void whatNoSiteOwnsIsRemoved() throws Exception {
    String orphan = create("orphan", true);
    server.context().getBean(JdbcClient.class).sql("DELETE FROM sites WHERE name = ?").param(orphan).update();
    Path dir = server.host.dataDir.resolve("sites").resolve(orphan);
    server.stopServer();
    assertThat(TestHost.hostObjectsNamed(orphan)).isNotEmpty();

    server.start();

    assertThat(TestHost.hostObjectsNamed(orphan)).isEmpty();
    assertThat(dir).doesNotExist();
  }

  @Test
  void whilePierRunsLeftoversOfStoppedSitesAndOrphansAreRemovedToo() throws Exception {
    String stopped = create("stray", true);
    server.api("alice", "POST", "/api/v1/sites/" + stopped + "/stop", null);
    // Something outside Pier leaves a network namespace named after the stopped site, and a directory of no site.
    new ProcessRunner().check(Command.of("ip", "netns", "add", "pier-" + stopped));
    String ghost = server.host.siteName("ghost");
    Path ghostDir = Files.createDirectories(server.host.dataDir.resolve("sites").resolve(ghost));
    assertThat(TestHost.hostObjectsNamed(stopped)).isNotEmpty();

    for (int i = 0; i < 100 && (!TestHost.hostObjectsNamed(stopped).isEmpty() || Files.exists(ghostDir)); i++) {
      Thread.sleep(100); // the periodic pass runs every 2 s here
    }
    assertThat(TestHost.hostObjectsNamed(stopped)).isEmpty();
    assertThat(ghostDir).doesNotExist();
    assertThat(state(stopped)).isEqualTo("STOPPED");
  }
}
