package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.engine.testing.TestImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
  private static final String DOMAIN = "crash.test";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private TestHost host;
  private Process server;
  private int port;

  @BeforeEach
  void setUp() throws IOException {
    host = new TestHost();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    if (server != null) {
      server.destroyForcibly();
    }
    // Keep the servers' logs for a failed run to read: target/crash-recovery-logs.
    Path keep = Path.of("target", "crash-recovery-logs");
    Files.createDirectories(keep);
    try (var files = Files.walk(host.dataDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith("pier.log")).toList()) {
        Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    host.close();
  }

  private void startServer() throws Exception {
    Path log = host.dataDir.resolve("server-" + System.nanoTime() + ".out");
    lastLog = log;
    Files.createDirectories(host.dataDir);
    server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.pier.server.PierApplication",
        "--data-dir", host.dataDir.toString(), "--domain", DOMAIN, "--http-port", String.valueOf(port), "--https-port", "0",
        "--bridge", host.config.bridge(), "--subnet", host.config.subnet().toString(),
        "--gateway", host.config.subnet().gatewayAddress(), "--pier.network.veth-prefix=" + host.config.vethPrefix(),
        "--pier.engine.cgroup-parent=" + host.config.cgroupParent(), "--pier.engine.run-dir=" + host.runDir(), "--stop-grace", "3s",
        "--pier.images.dir=" + TestImages.DIR, "--pier.images.build-at-start=false")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        if (request("GET", "/ca.pem", null, false).statusCode() == 200) { // (plain HTTP: the panel's pages redirect)
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      assertThat(server.isAlive()).as("server exited; its output is in " + log + ":\n" + Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as("server ready within 90 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private Path lastLog;

  /** The end of what the last server printed, for failure messages. */
  private String serverLog() {
    try {
      String text = Files.readString(lastLog);
      return text.substring(Math.max(0, text.length() - 6000));
    } catch (IOException | RuntimeException e) {
      return "(no output: " + e + ")";
    }
  }

  private HttpResponse<String> request(String method, String path, String body, boolean auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Host", DOMAIN)
        .timeout(Duration.ofSeconds(60)).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (auth) {
      String pw = Files.readString(host.dataDir.resolve("initial-admin-password")).strip();
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + pw).getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> visit(String site) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).header("Host", site + "." + DOMAIN)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every site the API lists is in a settled state that the host matches; every other name left nothing. */
  private void assertPanelMatchesReality(List<String> everName) throws Exception {
    // The API answers while the reconciliation at start goes on (it takes a moment per site): wait for it to
    // settle every site, for a bounded time; an operation it cannot finish stays and fails below.
    JsonNode sites = JSON.readTree(request("GET", "/api/v1/sites", null, true).body());
    for (int i = 0; i < 300 && sites.findValuesAsString("state").stream().anyMatch(st -> st.matches("CREATING|STARTING|STOPPING|DELETING")); i++) {
      Thread.sleep(100);
      sites = JSON.readTree(request("GET", "/api/v1/sites", null, true).body());
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
    assertThat(request("POST", "/api/v1/sites", "{\"name\":\"" + steady + "\"}", true).statusCode()).isEqualTo(201);
    assertThat(request("POST", "/api/v1/sites/" + steady + "/start", null, true).statusCode()).isEqualTo(200);
    long steadyPid = TestHost.containerPid("pier-" + steady);

    List<String> names = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      List<String> roundNames = List.of(host.siteName("r" + round + "a"), host.siteName("r" + round + "b"));
      names.addAll(roundNames);
      List<String> acknowledged = new CopyOnWriteArrayList<>();
      Thread worker = Thread.ofVirtual().start(() -> {
        try {
          for (String n : roundNames) {
            if (request("POST", "/api/v1/sites", "{\"name\":\"" + n + "\"}", true).statusCode() == 201) {
              acknowledged.add("created " + n);
            }
            if (request("POST", "/api/v1/sites/" + n + "/start", null, true).statusCode() == 200) {
              acknowledged.add("started " + n);
            }
          }
          acknowledged.add("stop sent " + roundNames.get(0));
          request("POST", "/api/v1/sites/" + roundNames.get(0) + "/stop", null, true);
          if (request("DELETE", "/api/v1/sites/" + roundNames.get(0), null, true).statusCode() == 204) {
            acknowledged.add("deleted " + roundNames.get(0));
          }
        } catch (Exception killed) {
          // the server died under us: that is the point
        }
      });
      Thread.sleep(ThreadLocalRandom.current().nextInt(50, 600));
      server.destroyForcibly().waitFor();
      worker.join();
      startServer();
      assertPanelMatchesReality(names);
      // Nothing the server acknowledged before it died is lost.
      JsonNode after = JSON.readTree(request("GET", "/api/v1/sites", null, true).body());
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
    request("POST", "/api/v1/sites", "{\"name\":\"" + site + "\"}", true);
    assertThat(request("POST", "/api/v1/sites/" + site + "/start", null, true).statusCode()).isEqualTo(200);
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
            if (request("PATCH", "/api/v1/sites/" + site, "{\"plan\":\"" + plan + "\"}", true).statusCode() == 200) {
              acknowledged.add("changed " + plan);
            }
          }
        } catch (Exception killed) {
          // the server died under us: that is the point
        }
      });
      Thread.sleep(ThreadLocalRandom.current().nextInt(100, 800));
      server.destroyForcibly().waitFor();
      worker.join();
      startServer();
      assertPanelMatchesReality(List.of(site));
      JsonNode after = JSON.readTree(request("GET", "/api/v1/sites/" + site, null, true).body());
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
