package dev.pier.server.plan;

import static dev.pier.server.testing.PierTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.TestHost;
import dev.pier.engine.testing.TestOutside;
import dev.pier.server.testing.PierTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Resource plans through the API, down to the cgroup files of real containers. */
@Tag("root")
class PlanApiTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }


  private long memoryLimit(String site) throws Exception {
    Path v1 = Path.of("/sys/fs/cgroup/memory", server.host.config.cgroupParent(), "pier-" + site, "memory.limit_in_bytes");
    Path v2 = Path.of("/sys/fs/cgroup", server.host.config.cgroupParent(), "pier-" + site, "memory.max");
    return Long.parseLong(Files.readString(Files.exists(v1) ? v1 : v2).strip());
  }


  @Test
  void sitesRunUnderTheirPlanAndMoveToAnotherWithoutARestart() throws Exception {
    JsonNode plans = json(server.api("alice", "GET", "/api/v1/plans", null));
    assertThat(plans.findValuesAsString("name")).containsExactly("small", "medium", "large");
    server.grantToEveryone("small", "large");

    String name = server.host.siteName("planned");
    JsonNode created = json(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\",\"plan\":\"small\"}"));
    assertThat(created.path("plan").asString()).isEqualTo("small");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    assertThat(memoryLimit(name)).isEqualTo(64L << 20);
    long pid = TestHost.containerPid("pier-" + name);

    JsonNode moved = json(server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"plan\":\"large\"}"));
    assertThat(moved.path("plan").asString()).isEqualTo("large");
    assertThat(moved.path("planApplied").asString()).as(moved.toString()).isEqualTo("now");
    assertThat(memoryLimit(name)).isEqualTo(512L << 20);
    assertThat(TestHost.containerPid("pier-" + name)).as("not restarted").isEqualTo(pid);
    assertThat(json(server.api("alice", "GET", "/api/v1/sites/" + name + "/usage", null)).path("limits").path("memoryBytes").asLong())
        .isEqualTo(512L << 20);

    server.api("alice", "POST", "/api/v1/sites/" + name + "/stop", null);
    JsonNode whileStopped = json(server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"plan\":\"small\"}"));
    assertThat(whileStopped.path("planApplied").asString()).isEqualTo("next-start");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    assertThat(memoryLimit(name)).isEqualTo(64L << 20);

    HttpResponse<String> unknown = server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"plan\":\"huge\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).path("detail").asString()).contains("plan \"huge\" does not exist").contains("small, medium, large");
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + server.host.siteName("x") + "\",\"plan\":\"huge\"}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void adminsManagePlansAndChangesReachRunningSites() throws Exception {
    String tiny = "{\"name\":\"tiny\",\"cpus\":0.1,\"memoryBytes\":33554432,\"pids\":16,\"diskBytes\":104857600,\"outbound\":false}";
    assertThat(server.api("alice", "POST", "/api/v1/plans", tiny).statusCode()).isEqualTo(403);
    assertThat(server.api("admin", "POST", "/api/v1/plans", tiny).statusCode()).isEqualTo(201);
    assertThat(server.api("alice", "PUT", "/api/v1/plans/tiny",
        "{\"cpus\":4,\"memoryBytes\":1073741824,\"pids\":999,\"diskBytes\":104857600,\"outbound\":true}").statusCode()).isEqualTo(403);
    assertThat(server.api("alice", "DELETE", "/api/v1/plans/tiny", null).statusCode()).isEqualTo(403);
    assertThat(json(server.api("alice", "GET", "/api/v1/plans/tiny", null)).path("memoryBytes").asLong()).isEqualTo(32L << 20);
    assertThat(server.api("admin", "POST", "/api/v1/plans", tiny).statusCode()).isEqualTo(409);

    HttpResponse<String> bad = server.api("admin", "POST", "/api/v1/plans",
        "{\"name\":\"bad\",\"cpus\":0.1,\"memoryBytes\":1024,\"pids\":16,\"diskBytes\":104857600,\"outbound\":false}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).path("detail").asString()).contains("memory limit of 1024 bytes is too small");

    String name = server.host.siteName("tiny");
    server.grantToEveryone("tiny");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\",\"plan\":\"tiny\"}");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    assertThat(memoryLimit(name)).isEqualTo(32L << 20);

    String roomier = "{\"cpus\":0.2,\"memoryBytes\":50331648,\"pids\":24,\"diskBytes\":104857600,\"outbound\":false}";
    assertThat(server.api("admin", "PUT", "/api/v1/plans/tiny", roomier).statusCode()).isEqualTo(200);
    assertThat(memoryLimit(name)).isEqualTo(48L << 20);

    HttpResponse<String> inUse = server.api("admin", "DELETE", "/api/v1/plans/tiny", null);
    assertThat(inUse.statusCode()).isEqualTo(409);
    assertThat(json(inUse).path("detail").asString()).contains("used by 1 site");
    server.api("alice", "DELETE", "/api/v1/sites/" + name, null);
    assertThat(server.api("admin", "DELETE", "/api/v1/plans/tiny", null).statusCode()).isEqualTo(204);
  }

  @Test
  void aPlanWithOutboundAccessLetsItsSitesConnectOutAndMovingOffItTakesThatAway() throws Exception {
    server.close();
    TestHost host = new TestHost();
    try (TestOutside outside = new TestOutside(host.tag)) {
      server = new PierTestServer(host, "--pier.network.uplink=" + outside.uplink);
      HttpResponse<String> created = server.api("admin", "POST", "/api/v1/plans",
          "{\"name\":\"open\",\"cpus\":0.5,\"memoryBytes\":134217728,\"pids\":64,\"diskBytes\":268435456,\"outbound\":true}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String name = host.siteName("crawler");
      server.grantToEveryone("open", "small");
      server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\",\"plan\":\"open\"}");
      server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
      List<String> fetch = List.of("runc", "exec", "pier-" + name, "/bin/busybox", "timeout", "5",
          "/bin/busybox", "wget", "-q", "-O", "-", outside.url());
      var runner = new ProcessRunner();
      assertThat(runner.run(Command.of(fetch)).stdout()).contains(TestOutside.GREETING);

      server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"plan\":\"small\"}");
      assertThat(runner.run(Command.of(fetch)).stdout()).as("small has no outbound access")
          .doesNotContain(TestOutside.GREETING);
      server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"plan\":\"open\"}");
      assertThat(runner.run(Command.of(fetch)).stdout()).contains(TestOutside.GREETING);
      server.api("alice", "DELETE", "/api/v1/sites/" + name, null);
    }
  }
}
