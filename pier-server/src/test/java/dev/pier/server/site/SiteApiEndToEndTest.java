package dev.pier.server.site;

import static dev.pier.server.testing.PierTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The API end to end, as a user drives it: real LDAP, real runc containers, real edge. */
@Tag("root")
class SiteApiEndToEndTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }


  @Test
  void createStartServeStopStartDeleteLeavesNothingBehind() throws Exception {
    String name = server.host.siteName("blog");

    HttpResponse<String> created = server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode site = json(created);
    assertThat(site.path("name").asString()).isEqualTo(name);
    assertThat(site.path("owner").asString()).isEqualTo("alice");
    assertThat(site.path("state").asString()).isEqualTo("STOPPED");
    assertThat(site.path("url").asString()).isEqualTo("http://" + name + "." + PierTestServer.DOMAIN + ":" + server.edgePort() + "/");
    assertThat(site.path("ipv4").asString()).startsWith(server.host.config.subnet().gatewayAddress().replaceFirst("\\d+$", ""));
    assertThat(created.headers().firstValue("Location")).contains("/api/v1/sites/" + name);

    HttpResponse<String> stoppedPage = server.visit(name);
    assertThat(stoppedPage.statusCode()).isEqualTo(503);
    assertThat(stoppedPage.body()).contains(name).contains("is stopped");

    HttpResponse<String> started = server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    assertThat(json(started).path("state").asString()).isEqualTo("RUNNING");

    HttpResponse<String> page = server.visit(name);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>" + name + "</h1>");
    // The edge keeps the site's access log, combined format, with the 503 of before the start too.
    HttpResponse<String> access = server.api("alice", "GET", "/api/v1/sites/" + name + "/access-log", null);
    assertThat(access.statusCode()).isEqualTo(200);
    assertThat(access.body()).containsPattern("127\\.0\\.0\\.1 - - \\[[^]]+\\] \"GET / HTTP/1\\.1\" 503 \\d+ \"-\" \"Java-http-client/")
        .containsPattern("\"GET / HTTP/1\\.1\" 200 " + page.body().getBytes(StandardCharsets.UTF_8).length + " ");
    assertThat(server.api("bob", "GET", "/api/v1/sites/" + name + "/access-log", null).statusCode()).isEqualTo(404);

    JsonNode usage = json(server.api("alice", "GET", "/api/v1/sites/" + name + "/usage", null));
    assertThat(usage.path("now").path("memoryBytes").asLong()).as(usage.toString()).isPositive();
    assertThat(usage.path("now").path("processes").asLong()).as("tini and httpd").isGreaterThanOrEqualTo(2);
    assertThat(usage.path("diskBytes").asLong()).as("the default page").isPositive();
    assertThat(usage.path("limits").path("memoryBytes").asLong()).isEqualTo(128L << 20);
    assertThat(usage.path("lastHour").isArray()).isTrue();
    JsonNode again = usage;
    for (int i = 0; i < 100 && again.path("lastHour").size() < 2; i++) { // the sampler takes one a second here
      Thread.sleep(100);
      again = json(server.api("alice", "GET", "/api/v1/sites/" + name + "/usage", null));
    }
    assertThat(again.path("lastHour").size()).as(again.toString()).isGreaterThanOrEqualTo(2);
    assertThat(again.path("now").path("cpuCores").isNumber()).as("CPU since the last sample: " + again).isTrue();
    assertThat(server.api("bob", "GET", "/api/v1/sites/" + name + "/usage", null).statusCode()).isEqualTo(404);

    assertThat(json(server.api("alice", "POST", "/api/v1/sites/" + name + "/stop", null)).path("state").asString()).isEqualTo("STOPPED");
    assertThat(server.visit(name).statusCode()).isEqualTo(503);

    assertThat(json(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null)).path("state").asString()).isEqualTo("RUNNING");
    assertThat(server.visit(name).body()).contains("<h1>" + name + "</h1>");

    assertThat(server.api("alice", "DELETE", "/api/v1/sites/" + name, null).statusCode()).isEqualTo(204);
    assertThat(server.api("alice", "GET", "/api/v1/sites/" + name, null).statusCode()).isEqualTo(404);
    assertThat(server.visit(name).statusCode()).isEqualTo(404);
    assertThat(TestHost.hostObjectsNamed(name)).isEmpty();
  }

  @Test
  void errorsAreProblemDetailsThatSayWhy() throws Exception {
    HttpResponse<String> invalid = server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"Bad_Name\"}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(json(invalid).path("detail").asString()).contains("\"Bad_Name\" is not valid");

    assertThat(json(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"www\"}")).path("detail").asString()).contains("reserved");
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"nam").statusCode()).isEqualTo(400);

    String name = server.host.siteName("taken");
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(201);
    HttpResponse<String> taken = server.api("bob", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(json(taken).path("detail").asString()).contains("already taken");

    // Another user's site does not exist for bob; the admin sees it.
    assertThat(server.api("bob", "GET", "/api/v1/sites/" + name, null).statusCode()).isEqualTo(404);
    assertThat(server.api("bob", "POST", "/api/v1/sites/" + name + "/start", null).statusCode()).isEqualTo(404);
    assertThat(server.api("bob", "DELETE", "/api/v1/sites/" + name, null).statusCode()).isEqualTo(404);
    assertThat(json(server.api("bob", "GET", "/api/v1/sites", null))).isEmpty();
    JsonNode all = json(server.api("admin", "GET", "/api/v1/sites", null));
    assertThat(all.findValuesAsString("name")).contains(name);
    assertThat(all.findValuesAsString("owner")).contains("alice");

    HttpResponse<String> anonymous = server.api(null, "GET", "/api/v1/sites", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(json(anonymous).path("status").asInt()).isEqualTo(401);
    assertThat(server.api(null, "POST", "/api/v1/sites", "{\"name\":\"x\"}").statusCode()).isEqualTo(401);
  }

  @Test
  void noTwoSitesShareAnAddressAndDeleteFreesIt() throws Exception {
    String a = server.host.siteName("a");
    String b = server.host.siteName("b");
    String ipA = json(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + a + "\"}")).path("ipv4").asString();
    String ipB = json(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + b + "\"}")).path("ipv4").asString();
    assertThat(ipA).isNotEqualTo(ipB);
    server.api("alice", "DELETE", "/api/v1/sites/" + a, null);
    String c = server.host.siteName("c");
    assertThat(json(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + c + "\"}")).path("ipv4").asString()).isEqualTo(ipA);
  }

  @Test
  void theApexIsThePanelAndUnknownHostsAre404() throws Exception {
    HttpResponse<String> unknown = server.visit("nosuchsite");
    assertThat(unknown.statusCode()).isEqualTo(404);
    HttpResponse<String> panel = server.api(null, "GET", "/login", null);
    assertThat(panel.statusCode()).as("plain HTTP: to the same page over HTTPS").isEqualTo(308);
    assertThat(panel.headers().firstValue("Location")).contains("https://" + PierTestServer.DOMAIN + ":" + server.httpsPort() + "/login");
    HttpResponse<String> login = server.browser().send(HttpRequest.newBuilder(URI.create(server.panelBase() + "/login"))
        .header("Host", PierTestServer.DOMAIN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("Pier");
  }

  @Test
  void sitesKeepRunningWhilePierIsStoppedAndAreAdoptedAtTheNextStart() throws Exception {
    String name = server.host.siteName("keep");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    String ip = json(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null)).path("ipv4").asString();
    long pid = TestHost.containerPid("pier-" + name);
    JsonNode usage = json(server.api("alice", "GET", "/api/v1/sites/" + name + "/usage", null));
    for (int i = 0; i < 100 && usage.path("lastHour").isEmpty(); i++) { // the sampler takes one a second here
      Thread.sleep(100);
      usage = json(server.api("alice", "GET", "/api/v1/sites/" + name + "/usage", null));
    }
    String firstSample = usage.path("lastHour").get(0).path("at").asString();
    assertThat(usage.path("lastHour").get(0).path("diskBytes").asLong()).as("disk is sampled too").isPositive();

    server.stopServer();
    HttpResponse<String> direct = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + ip + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(direct.body()).as("the container answers while Pier is stopped").contains("<h1>" + name + "</h1>");

    server.start();
    assertThat(json(server.api("alice", "GET", "/api/v1/sites/" + name, null)).path("state").asString()).isEqualTo("RUNNING");
    assertThat(server.visit(name).body()).contains("<h1>" + name + "</h1>");
    assertThat(TestHost.containerPid("pier-" + name)).as("adopted, not restarted").isEqualTo(pid);
    JsonNode after = json(server.api("alice", "GET", "/api/v1/sites/" + name + "/usage", null));
    assertThat(after.path("lastHour").get(0).path("at").asString()).as("the last hour's samples survive a restart of Pier")
        .isEqualTo(firstSample);
  }


  @Test
  void aSiteWhoseContainerDiesIsShownStoppedWithTheReason() throws Exception {
    String name = server.host.siteName("dies");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    JsonNode never = json(server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"restartPolicy\":\"never\"}"));
    assertThat(never.path("restartPolicy").asString()).isEqualTo("never");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    // The web server itself dies, as in a crash.
    assertThat(ProcessHandle.of(TestHost.serverPid("pier-" + name)).orElseThrow().destroyForcibly()).isTrue();

    JsonNode site = json(server.api("alice", "GET", "/api/v1/sites/" + name, null));
    for (int i = 0; i < 300 && !site.path("state").asString().equals("STOPPED"); i++) {
      Thread.sleep(100);
      site = json(server.api("alice", "GET", "/api/v1/sites/" + name, null));
    }
    assertThat(site.path("state").asString()).isEqualTo("STOPPED");
    assertThat(site.path("lastError").asString()).contains("container killed by signal 9");
    assertThat(site.path("lastExit").asString()).startsWith("killed by signal 9 at ");
    assertThat(site.path("restarts").asInt()).isZero();
    HttpResponse<String> log = server.api("alice", "GET", "/api/v1/sites/" + name + "/logs", null);
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.body()).contains("--- Pier started " + name);
    assertThat(server.api("bob", "GET", "/api/v1/sites/" + name + "/logs", null).statusCode()).isEqualTo(404);
    assertThat(server.api("alice", "GET", "/api/v1/sites/" + name + "/logs?bytes=0", null).statusCode()).isEqualTo(400);
    assertThat(server.visit(name).statusCode()).isEqualTo(503);
    assertThat(TestHost.hostObjectsNamed(name)).isEmpty();
    assertThat(json(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null)).path("state").asString()).isEqualTo("RUNNING");
  }

  @Test
  void aSiteThatCrashesIsStartedAgainByItsRestartPolicy() throws Exception {
    String name = server.host.siteName("phoenix");
    JsonNode created = json(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}"));
    assertThat(created.path("restartPolicy").asString()).as("the default").isEqualTo("on-failure");
    assertThat(server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"restartPolicy\":\"sometimes\"}").statusCode()).isEqualTo(400);
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    long before = TestHost.containerPid("pier-" + name);
    new ProcessRunner().check(Command.of("runc", "kill", "pier-" + name, "KILL"));

    JsonNode site = json(server.api("alice", "GET", "/api/v1/sites/" + name, null));
    for (int i = 0; i < 300 && site.path("restarts").asInt() < 1; i++) {
      Thread.sleep(100);
      site = json(server.api("alice", "GET", "/api/v1/sites/" + name, null));
    }
    assertThat(site.path("restarts").asInt()).as(site.toString()).isEqualTo(1);
    assertThat(site.path("state").asString()).isEqualTo("RUNNING");
    assertThat(site.path("lastExit").asString()).as("killed from outside: no status recorded").startsWith("exited at ");
    assertThat(server.visit(name).body()).contains("<h1>" + name + "</h1>");
    assertThat(TestHost.containerPid("pier-" + name)).as("a new container").isNotEqualTo(before);
  }
}
