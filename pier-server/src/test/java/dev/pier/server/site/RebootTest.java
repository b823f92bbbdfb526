package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierTestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * After a host reboot (containers, mounts, loop devices, network namespaces, links, bridge, firewall and cgroups
 * all gone; only the data directory left), Pier brings back the sites meant to run, with their data, and leaves
 * the stopped ones stopped.
 */
@Tag("root")
class RebootTest {

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


  @Test
  void afterARebootRunningSitesComeBackWithTheirDataAndStoppedOnesStayStopped() throws Exception {
    JsonNode php = server.apiJson("admin", "GET", "/api/v1/images/debian-php", null);
    if (!php.path("status").asString().equals("ready")) {
      server.api("admin", "POST", "/api/v1/images/debian-php/builds", null);
      for (int i = 0; i < 900 && !php.path("status").asString().equals("ready"); i++) {
        Thread.sleep(1000);
        php = server.apiJson("admin", "GET", "/api/v1/images/debian-php", null);
      }
    }
    String web = server.host.siteName("web");
    String shop = server.host.siteName("shop");
    String idle = server.host.siteName("idle");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + web + "\"}");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + shop + "\",\"image\":\"debian-php\"}");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + idle + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + web + "/start", null);
    HttpResponse<String> shopStarted = server.api("alice", "POST", "/api/v1/sites/" + shop + "/start", null);
    assertThat(shopStarted.statusCode()).as(shopStarted.body()).isEqualTo(200);
    assertThat(server.visits(shop)).isEqualTo("1");
    assertThat(server.visits(shop)).isEqualTo("2");

    server.stopServer();
    server.host.wipeRuntime();
    assertThat(TestHost.hostObjectsNamed(server.host.tag)).as("a rebooted host has none of it").isEmpty();

    server.start();
    assertThat(site(web).path("state").asString()).isEqualTo("RUNNING");
    assertThat(server.visit(web).body()).contains("<h1>" + web + "</h1>");
    assertThat(site(shop).path("state").asString()).isEqualTo("RUNNING");
    assertThat(server.visits(shop)).as("its SQLite file survived").isEqualTo("3");
    assertThat(site(idle).path("state").asString()).isEqualTo("STOPPED");
    assertThat(server.visit(idle).statusCode()).isEqualTo(503);
    assertThat(TestHost.hostObjectsNamed(idle)).isEmpty();
  }
}
