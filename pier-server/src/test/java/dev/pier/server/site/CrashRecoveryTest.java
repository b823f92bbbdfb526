package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server is killed with SIGKILL in the middle of creates, starts, stops and deletes, then started again:
 * what the API shows must match the host. Runs the real server as a separate process.
 */
@Tag("root")
class CrashRecoveryTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private TestHost host;
  private PierProcess pier;

  @BeforeEach
  void setUp() throws IOException {
    host = new TestHost();
    pier = new PierProcess(host);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      pier.stopKeepingLogs(Path.of("target", "crash-recovery-logs")); // (for a failed run to read)
    } finally {
      host.close();
    }
  }

  private void startServer() throws Exception {
    pier.start();
  }

  private String serverLog() {
    return pier.log();
  }

  private HttpResponse<String> visit(String site) throws Exception {
    return pier.visit(site);
  }

  /** Every site the API lists is in a settled state that the host matches; every other name left nothing. */
  private void assertPanelMatchesReality(List<String> everName) throws Exception {
    // The API answers while the reconciliation at start goes on (it takes a moment per site): wait for it to
    // settle every site, for a bounded time; an operation it cannot finish stays and fails below.
    JsonNode sites = JSON.readTree(pier.request("GET", "/api/v1/sites", null).body());
    for (int i = 0; i < 300 && sites.findValuesAsString("state").stream().anyMatch(st -> st.matches("CREATING|STARTING|STOPPING|DELETING")); i++) {
      Thread.sleep(100);
      sites = JSON.readTree(pier.request("GET", "/api/v1/sites", null).body());
    }
    List<String> listed = new ArrayList<>();
    for (JsonNode s : sites) {
      String name = s.path("name").asString();
      String state = s.path("state").asString();
      listed.add(name);
      switch (state) {
        case "RUNNING" -> assertThat(visit(name).body()).as(name + " is RUNNING").contains("<h1>" + name + "</h1>");
        case "STOPPED" -> {
          assertThat(visit(name).statusCode()).as(name + " is STOPPED").isEqualTo(503);
          assertThat(TestHost.hostObjectsNamed(name)).as(name + " is STOPPED").isEmpty();
        }
        default -> throw new AssertionError("site " + name + " is still " + state + " after restart; the server said:\n" + serverLog());
      }
    }
    for (String name : everName) {
      if (!listed.contains(name)) {
        assertThat(TestHost.hostObjectsNamed(name)).as("deleted site " + name).isEmpty();
        assertThat(host.dataDir.resolve("sites").resolve(name)).doesNotExist();
      }
    }
  }

  @Test
  void killedDuringOperationsTheServerComesBackMatchingTheHost() throws Exception {
    startServer();
    String steady = host.siteName("steady");
    assertThat(pier.request("POST", "/api/v1/sites", "{\"name\":\"" + steady + "\"}").statusCode()).isEqualTo(201);
    assertThat(pier.request("POST", "/api/v1/sites/" + steady + "/start", null).statusCode()).isEqualTo(200);
    long steadyPid = TestHost.containerPid("pier-" + steady);

    List<String> names = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      List<String> roundNames = List.of(host.siteName("r" + round + "a"), host.siteName("r" + round + "b"));
      names.addAll(roundNames);
      List<String> acknowledged = new CopyOnWriteArrayList<>();
      Thread worker = Thread.ofVirtual().start(() -> {
        try {
          for (String n : roundNames) {
            if (pier.request("POST", "/api/v1/sites", "{\"name\":\"" + n + "\"}").statusCode() == 201) {
              acknowledged.add("created " + n);
            }
            if (pier.request("POST", "/api/v1/sites/" + n + "/start", null).statusCode() == 200) {
              acknowledged.add("started " + n);
            }
          }
          acknowledged.add("stop sent " + roundNames.get(0));
          pier.request("POST", "/api/v1/sites/" + roundNames.get(0) + "/stop", null);
          if (pier.request("DELETE", "/api/v1/sites/" + roundNames.get(0), null).statusCode() == 204) {
            acknowledged.add("deleted " + roundNames.get(0));
          }
        } catch (Exception killed) {
          // the server died under us: that is the point
        }
      });
      Thread.sleep(ThreadLocalRandom.current().nextInt(50, 600));
      pier.kill();
      worker.join();
      startServer();
      assertPanelMatchesReality(names);
      // Nothing the server acknowledged before it died is lost.
      JsonNode after = JSON.readTree(pier.request("GET", "/api/v1/sites", null).body());
      for (String n : roundNames) {
        boolean listed = after.findValuesAsString("name").contains(n);
        if (acknowledged.contains("deleted " + n)) {
          assertThat(listed).as(n + " was deleted").isFalse();
        } else if (acknowledged.contains("created " + n) && !acknowledged.contains("stop sent " + n)) {
          assertThat(listed).as(n + " was created").isTrue();
        }
        if (acknowledged.contains("started " + n) && !acknowledged.contains("stop sent " + n)) {
          String state = "";
          for (JsonNode s : after) {
            if (s.path("name").asString().equals(n)) {
              state = s.path("state").asString();
            }
          }
          assertThat(state).as(n + " was started").isEqualTo("RUNNING");
        }
      }
      // The site that was running all along was adopted, not restarted.
      assertThat(TestHost.containerPid("pier-" + steady)).isEqualTo(steadyPid);
      assertThat(visit(steady).body()).contains("<h1>" + steady + "</h1>");
    }
  }

  private long memoryLimit(String site) throws IOException {
    Path v1 = Path.of("/sys/fs/cgroup/memory", host.config.cgroupParent(), "pier-" + site, "memory.limit_in_bytes");
    Path v2 = Path.of("/sys/fs/cgroup", host.config.cgroupParent(), "pier-" + site, "memory.max");
    return Long.parseLong(Files.readString(Files.exists(v1) ? v1 : v2).strip());
  }

  @Test
  void killedDuringPlanChangesTheRunningSiteComesBackWithTheLimitsOfItsRecordedPlan() throws Exception {
    startServer();
    String site = host.siteName("resized");
    pier.request("POST", "/api/v1/sites", "{\"name\":\"" + site + "\"}");
    assertThat(pier.request("POST", "/api/v1/sites/" + site + "/start", null).statusCode()).isEqualTo(200);
    long pid = TestHost.containerPid("pier-" + site);
    Map<String, Long> memory = Map.of("small", 64L << 20, "large", 512L << 20);
    String planBefore = "medium";
    for (int round = 0; round < 3; round++) {
      List<String> acknowledged = new CopyOnWriteArrayList<>(List.of("changed " + planBefore));
      Thread worker = Thread.ofVirtual().start(() -> {
        try {
          for (int i = 0; ; i++) {
            String plan = i % 2 == 0 ? "large" : "small";
            acknowledged.add("sent " + plan);
            if (pier.request("PATCH", "/api/v1/sites/" + site, "{\"plan\":\"" + plan + "\"}").statusCode() == 200) {
              acknowledged.add("changed " + plan);
            }
          }
        } catch (Exception killed) {
          // the server died under us: that is the point
        }
      });
      Thread.sleep(ThreadLocalRandom.current().nextInt(100, 800));
      pier.kill();
      worker.join();
      startServer();
      assertPanelMatchesReality(List.of(site));
      JsonNode after = JSON.readTree(pier.request("GET", "/api/v1/sites/" + site, null).body());
      String plan = after.path("plan").asString();
      assertThat(after.path("state").asString()).isEqualTo("RUNNING");
      // The recorded plan is the last one acknowledged, or one sent after it; the container has its limits.
      String lastAcknowledged = acknowledged.stream().filter(a -> a.startsWith("changed ")).reduce((a, b) -> b).orElseThrow();
      List<String> afterAck = acknowledged.subList(acknowledged.lastIndexOf(lastAcknowledged), acknowledged.size());
      assertThat(afterAck.stream().map(a -> a.replaceFirst("^\\w+ ", "")).toList()).as(acknowledged.toString()).contains(plan);
      long expected = memory.getOrDefault(plan, 128L << 20);
      for (int i = 0; i < 100 && memoryLimit(site) != expected; i++) {
        Thread.sleep(100); // adoption re-applies the recorded plan while the API already answers
      }
      assertThat(memoryLimit(site)).as("limits of plan " + plan).isEqualTo(expected);
      assertThat(TestHost.containerPid("pier-" + site)).as("adopted, not restarted").isEqualTo(pid);
      assertThat(visit(site).body()).contains("<h1>" + site + "</h1>");
      planBefore = plan;
    }
  }
}
