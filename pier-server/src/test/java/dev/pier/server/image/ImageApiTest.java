package dev.pier.server.image;

import static dev.pier.server.testing.PierTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.testing.TestImages;
import dev.pier.server.testing.PierTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Debian images through the API, with real debootstrap builds, runc containers and the edge: the brief's PHP
 * site with its database, admin-made images with their build log, failed builds, and new versions reaching
 * sites at their next start only.
 */
@Tag("root")
class ImageApiTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }


  /** Polls the image until {@code done} holds (a build takes about a minute; the bound only stops a hung test). */
  private JsonNode awaitImage(String name, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    while (true) {
      JsonNode image = json(server.api("admin", "GET", "/api/v1/images/" + name, null));
      if (done.test(image)) {
        return image;
      }
      assertThat(System.nanoTime()).as("image %s still not done: %s", name, image).isLessThan(deadline);
      Thread.sleep(1000);
    }
  }


  @Test
  void aPhpSiteCountsItsVisitsInSqliteThroughTheEdge() throws Exception {
    JsonNode php = json(server.api("alice", "GET", "/api/v1/images/debian-php", null));
    if (!php.path("status").asString().equals("ready")) { // a machine where the engine tests did not build it yet
      server.api("admin", "POST", "/api/v1/images/debian-php/builds", null);
      php = awaitImage("debian-php", i -> i.path("status").asString().equals("ready"));
    }
    assertThat(php.path("php").asBoolean()).isTrue();
    assertThat(json(server.api("bob", "GET", "/api/v1/images", null)).findValuesAsString("name"))
        .contains("static", "debian-apache", "debian-php");

    String name = server.host.siteName("counter");
    server.grantToEveryone("small");
    JsonNode created = json(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\",\"image\":\"debian-php\",\"plan\":\"small\"}"));
    assertThat(created.path("image").asString()).isEqualTo("debian-php");
    JsonNode started = json(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null));
    assertThat(started.path("state").asString()).as(started.toString()).isEqualTo("RUNNING");
    assertThat(started.path("imageVersion").asString()).isEqualTo(php.path("current").asString());

    assertThat(server.visits(name)).isEqualTo("1");
    assertThat(server.visits(name)).isEqualTo("2");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/stop", null);
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    assertThat(server.visits(name)).as("the count is kept on the site's own disk").isEqualTo("3");
    assertThat(json(server.api("alice", "GET", "/api/v1/images/debian-php", null)).path("sites").asInt()).isEqualTo(1);

    HttpResponse<String> unknown = server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + server.host.siteName("x") + "\",\"image\":\"nope\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).path("detail").asString()).contains("image \"nope\" does not exist").contains("debian-php");
  }

  @Test
  void anAdminsImageIsBuiltWithItsLogAndANewVersionReachesASiteAtItsNextStartOnly() throws Exception {
    String image = "tools-" + server.host.tag;
    HttpResponse<String> notAdmin = server.api("bob", "POST", "/api/v1/images", "{\"name\":\"" + image + "\",\"packages\":[\"sqlite3\"]}");
    assertThat(notAdmin.statusCode()).isEqualTo(403);
    HttpResponse<String> bad = server.api("admin", "POST", "/api/v1/images", "{\"name\":\"" + image + "\",\"packages\":[\"sqlite3; rm -rf /\"]}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).path("detail").asString()).contains("is not a Debian package name");
    assertThat(server.api("admin", "GET", "/api/v1/images/" + image, null).statusCode()).as("nothing was made").isEqualTo(404);

    try {
      HttpResponse<String> accepted = server.api("admin", "POST", "/api/v1/images", "{\"name\":\"" + image + "\",\"packages\":[\"sqlite3\"]}");
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      assertThat(json(accepted).path("status").asString()).isIn("queued", "building");
      JsonNode v1 = awaitImage(image, i -> !i.path("status").asString().matches("queued|building"));
      assertThat(v1.path("status").asString()).as(v1.toString()).isEqualTo("ready");
      String log = server.api("admin", "GET", "/api/v1/images/" + image + "/log", null).body();
      assertThat(log).containsPattern("I: (Retrieving|Validating) sqlite3").contains("P: Image " + image + " version " + v1.path("current").asString() + " is ready");
      assertThat(server.api("alice", "GET", "/api/v1/images/" + image + "/log", null).statusCode()).isEqualTo(403);

      String site = server.host.siteName("tools");
      server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\",\"image\":\"" + image + "\"}");
      JsonNode running = json(server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null));
      assertThat(running.path("imageVersion").asString()).isEqualTo(v1.path("current").asString());
      assertThat(server.visit(site).body()).contains("This is the site <strong>" + site + "</strong>");

      // A rebuild makes a new version; the running site stays on its own until it restarts.
      server.api("admin", "POST", "/api/v1/images/" + image + "/builds", null);
      JsonNode v2 = awaitImage(image, i -> i.path("status").asString().equals("ready")
          && !i.path("current").asString().equals(v1.path("current").asString()));
      assertThat(v2.path("versions").valueStream().map(JsonNode::asString).toList())
          .containsExactly(v1.path("current").asString(), v2.path("current").asString());
      assertThat(json(server.api("alice", "GET", "/api/v1/sites/" + site, null)).path("imageVersion").asString())
          .isEqualTo(v1.path("current").asString());
      assertThat(server.visit(site).statusCode()).isEqualTo(200);

      server.api("alice", "POST", "/api/v1/sites/" + site + "/stop", null);
      JsonNode restarted = json(server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null));
      assertThat(restarted.path("imageVersion").asString()).isEqualTo(v2.path("current").asString());
      JsonNode after = json(server.api("admin", "GET", "/api/v1/images/" + image, null));
      assertThat(after.path("versions").valueStream().map(JsonNode::asString).toList()).as("the old version went with its last site")
          .containsExactly(v2.path("current").asString());
      assertThat(TestImages.DIR.resolve(image).resolve(v1.path("current").asString())).doesNotExist();

      HttpResponse<String> inUse = server.api("admin", "DELETE", "/api/v1/images/" + image, null);
      assertThat(inUse.statusCode()).isEqualTo(409);
      assertThat(json(inUse).path("detail").asString()).contains("used by 1 site(s)");
      server.api("alice", "DELETE", "/api/v1/sites/" + site, null);
      assertThat(server.api("admin", "DELETE", "/api/v1/images/" + image, null).statusCode()).isEqualTo(204);
      assertThat(TestImages.DIR.resolve(image)).doesNotExist();
    } finally {
      server.context().getBean(SiteEngine.class).debianImages().removeAll(image);
    }
  }

  @Test
  void aFailedBuildSaysWhyAndLeavesNoVersion() throws Exception {
    String image = "broken-" + server.host.tag;
    try {
      server.api("admin", "POST", "/api/v1/images", "{\"name\":\"" + image + "\",\"packages\":[\"pier-no-such-package\"]}");
      JsonNode failed = awaitImage(image, i -> !i.path("status").asString().matches("queued|building"));
      assertThat(failed.path("status").asString()).isEqualTo("failed");
      assertThat(failed.path("lastBuild").path("error").asString()).contains("debootstrap failed");
      assertThat(failed.path("versions").isEmpty()).isTrue();
      assertThat(server.api("admin", "GET", "/api/v1/images/" + image + "/log", null).body()).contains("pier-no-such-package");
      try (var left = Files.list(TestImages.DIR.resolve(image))) {
        assertThat(left.toList()).as("no half image").isEmpty();
      }
      assertThat(server.api("admin", "DELETE", "/api/v1/images/" + image, null).statusCode()).isEqualTo(204);
    } finally {
      server.context().getBean(SiteEngine.class).debianImages().removeAll(image);
    }
  }
}
