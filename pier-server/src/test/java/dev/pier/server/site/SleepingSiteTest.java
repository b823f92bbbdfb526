package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierTestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Scale to zero: an idle site is stopped (no container, no memory) and the next request starts it again. */
@Tag("root")
class SleepingSiteTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private JsonNode site(String name) throws Exception {
    return server.apiJson("alice", "GET", "/api/v1/sites/" + name, null);
  }

  private void awaitState(String name, String state) throws Exception {
    for (int i = 0; i < 300 && !site(name).path("state").asString().equals(state); i++) {
      Thread.sleep(100); // the sleeper looks every second here
    }
    assertThat(site(name).path("state").asString()).isEqualTo(state);
  }

  @Test
  void anIdleSiteSleepsWithoutAContainerAndTheNextRequestsWakeIt() throws Exception {
    String name = server.host.siteName("nap");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    assertThat(server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"sleepAfterSeconds\":0}").statusCode()).isEqualTo(400);
    JsonNode on = server.apiJson("alice", "PATCH", "/api/v1/sites/" + name, "{\"sleepAfterSeconds\":2}");
    assertThat(on.path("sleepAfterSeconds").asInt()).isEqualTo(2);
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    assertThat(server.visit(name).statusCode()).isEqualTo(200);

    awaitState(name, "SLEEPING");
    assertThat(TestHost.hostObjectsNamed(name)).as("a sleeping site has no container, netns or mount").isEmpty();

    // Several visitors at once while it sleeps: all are held until it runs, then served.
    List<Future<HttpResponse<String>>> visits = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 4; i++) {
        visits.add(pool.submit(() -> server.visit(name)));
      }
      for (Future<HttpResponse<String>> v : visits) {
        HttpResponse<String> r = v.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<h1>" + name + "</h1>");
      }
    }
    assertThat(site(name).path("state").asString()).isEqualTo("RUNNING");

    // Stopping a sleeping site makes it stopped for good; sleeping can be turned off.
    awaitState(name, "SLEEPING");
    assertThat(server.apiJson("alice", "POST", "/api/v1/sites/" + name + "/stop", null).path("state").asString())
        .isEqualTo("STOPPED");
    assertThat(server.visit(name).statusCode()).isEqualTo(503);
    JsonNode off = server.apiJson("alice", "PATCH", "/api/v1/sites/" + name, "{\"sleepAfterSeconds\":null}");
    assertThat(off.path("sleepAfterSeconds").isNull()).isTrue();
  }
}
