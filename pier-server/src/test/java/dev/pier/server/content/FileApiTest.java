package dev.pier.server.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.server.testing.PierTestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The file manager's API on real sites: each change is live at once through the edge. */
@Tag("root")
class FileApiTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private HttpResponse<String> put(String user, String site, String path, String content) throws Exception {
    return server.send(user, "PUT", "/api/v1/sites/" + site + "/files" + path, content.getBytes(StandardCharsets.UTF_8), "application/octet-stream");
  }

  @Test
  void filesAreWrittenMovedAndDeletedLiveOnARunningSite() throws Exception {
    String site = server.host.siteName("files");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    String files = "/api/v1/sites/" + site + "/files";

    HttpResponse<String> made = put("alice", site, "/css/site.css", "body { color: red }");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    assertThat(PierTestServer.json(made).path("path").asString()).isEqualTo("/css/site.css");
    assertThat(server.visit(site, "/css/site.css").body()).isEqualTo("body { color: red }");
    assertThat(put("alice", site, "/index.html", "<h1>mine</h1>").statusCode()).as("replaced").isEqualTo(200);
    assertThat(server.visit(site).body()).isEqualTo("<h1>mine</h1>");

    JsonNode root = server.apiJson("alice", "GET", files + "/", null);
    assertThat(root.path("entries").get(0).path("name").asString()).as("folders first").isEqualTo("css");
    assertThat(root.path("entries").get(0).path("type").asString()).isEqualTo("folder");
    assertThat(root.path("entries").get(1).path("name").asString()).isEqualTo("index.html");
    assertThat(root.path("entries").get(1).path("size").asLong()).isEqualTo(13);
    HttpResponse<String> download = server.api("alice", "GET", files + "/css/site.css", null);
    assertThat(download.body()).isEqualTo("body { color: red }");
    assertThat(download.headers().firstValue("Content-Disposition").orElse("")).contains("attachment").contains("site.css");

    assertThat(server.api("alice", "POST", files + "/img", "{\"type\":\"folder\"}").statusCode()).isEqualTo(201);
    assertThat(server.api("alice", "POST", files + "/img", "{\"type\":\"folder\"}").statusCode()).as("exists").isEqualTo(409);
    HttpResponse<String> moved = server.api("alice", "PATCH", files + "/css/site.css", "{\"path\":\"/img/moved.css\"}");
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    assertThat(server.visit(site, "/img/moved.css").body()).isEqualTo("body { color: red }");
    assertThat(server.visit(site, "/css/site.css").statusCode()).isEqualTo(404);
    assertThat(server.api("alice", "DELETE", files + "/img", null).statusCode()).isEqualTo(204);
    assertThat(server.visit(site, "/img/moved.css").statusCode()).isEqualTo(404);

    // Refused, with the reason, and nothing changes.
    HttpResponse<String> climb = server.api("alice", "PATCH", files + "/index.html", "{\"path\":\"../../escaped.html\"}");
    assertThat(climb.statusCode()).isEqualTo(400);
    assertThat(PierTestServer.json(climb).path("detail").asString()).contains("climbs out");
    assertThat(server.api("alice", "GET", files + "/../../../etc/passwd", null).statusCode()).isEqualTo(400);
    assertThat(server.api("alice", "GET", files + "/%2e%2e/%2e%2e/etc/passwd", null).statusCode()).isEqualTo(400);
    assertThat(server.api("alice", "DELETE", files + "/", null).statusCode()).as("the web root stays").isEqualTo(400);
    assertThat(server.api("alice", "GET", files + "/nope.html", null).statusCode()).isEqualTo(404);
    assertThat(server.api("bob", "GET", files + "/", null).statusCode()).as("another user's site").isEqualTo(404);
    assertThat(put("bob", site, "/index.html", "defaced").statusCode()).isEqualTo(404);
    assertThat(server.visit(site).body()).isEqualTo("<h1>mine</h1>");
    try (var all = Files.walk(server.host.dataDir)) {
      assertThat(all.filter(p -> p.getFileName().toString().equals("escaped.html"))).isEmpty();
    }
  }

  @Test
  void aStoppedSitesFilesAreChangedAndShownAtItsNextStart() throws Exception {
    String site = server.host.siteName("offline");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\"}");
    assertThat(put("alice", site, "/index.html", "edited while stopped").statusCode()).isEqualTo(200);
    assertThat(server.apiJson("alice", "GET", "/api/v1/sites/" + site, null).path("state").asString()).isEqualTo("STOPPED");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    assertThat(server.visit(site).body()).isEqualTo("edited while stopped");
  }

  @Test
  void thePanelsSessionCallsTheApiOnlyWithItsToken() throws Exception {
    String site = server.host.siteName("csrf");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\"}");
    HttpClient browser = server.browser();
    String base = server.panelBase();
    String login = browser.send(request(base + "/login").build(), HttpResponse.BodyHandlers.ofString()).body();
    String form = "username=alice&password=" + URLEncoder.encode(server.password("alice"), StandardCharsets.UTF_8) + "&_csrf="
        + between(login, "name=\"_csrf\" value=\"", "\"");
    HttpResponse<String> in = browser.send(request(base + "/login").header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(in.statusCode()).as("logged in: " + in.headers().map()).isEqualTo(302);
    String page = browser.send(request(base + "/sites/" + site).build(), HttpResponse.BodyHandlers.ofString()).body();
    String header = between(page, "data-csrf-header=\"", "\"");
    String token = between(page, "data-csrf=\"", "\"");

    String url = base + "/api/v1/sites/" + site + "/files/from-the-panel.html";
    HttpResponse<String> forged = browser.send(request(url).PUT(HttpRequest.BodyPublishers.ofString("forged")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).as("the session's cookie alone, as another site's form would send it").isEqualTo(403);
    assertThat(server.visit(site, "/from-the-panel.html").statusCode()).isNotEqualTo(200);
    HttpResponse<String> withToken = browser.send(request(url).header(header, token).PUT(HttpRequest.BodyPublishers.ofString("mine")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(201);
    HttpResponse<String> read = browser.send(request(base + "/api/v1/sites/" + site + "/files/").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).as("reading needs no token").isEqualTo(200);
    assertThat(read.body()).contains("from-the-panel.html");
  }

  private static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).header("Host", PierTestServer.DOMAIN).header("Accept", "application/json, text/html");
  }

  private static String between(String text, String before, String after) {
    int at = text.indexOf(before);
    assertThat(at).as("\"" + before + "\" in the page").isNotNegative();
    int from = at + before.length();
    return text.substring(from, text.indexOf(after, from));
  }
}
