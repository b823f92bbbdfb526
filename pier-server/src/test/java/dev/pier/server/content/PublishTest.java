package dev.pier.server.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.image.ImageRecipe;
import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierTestServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Users publish archives and roll back, through the API and the edge, on real containers. */
@Tag("root")
class PublishTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String newSite(String prefix, String user) throws Exception {
    String name = server.host.siteName(prefix);
    assertThat(server.api(user, "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(201);
    return name;
  }

  private HttpResponse<String> publish(String user, String site, byte[] zip) throws Exception {
    return server.send(user, "POST", "/api/v1/sites/" + site + "/releases", zip, "application/zip");
  }

  /** A release whose every page names it, with many files so that unpacking it takes a while. */
  private static Archive release(String tag, int extraFiles) {
    Archive a = Archive.of("index.html", "index of " + tag, "a.html", "page a of " + tag);
    for (int i = 0; i < extraFiles; i++) {
      a.add("assets/f" + i + ".txt", tag + " " + i);
    }
    return a;
  }

  @Test
  void everyVisitorSeesTheWholeOldOrTheWholeNewReleaseDuringPublishesAndRollbacks() throws Exception {
    String site = newSite("atomic", "alice");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    HttpResponse<String> first = publish("alice", site, release("v1", 10).zip());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    JsonNode v1 = PierTestServer.json(first);
    assertThat(v1.path("active").asBoolean()).isTrue();
    assertThat(v1.path("createdBy").asString()).isEqualTo("alice");
    assertThat(v1.path("source").asString()).isEqualTo("upload");
    assertThat(v1.path("files").asLong()).isEqualTo(12);
    assertThat(v1.path("bytes").asLong()).isPositive();
    assertThat(first.headers().firstValue("Location")).contains("/api/v1/sites/" + site + "/releases/" + v1.path("id").asLong());
    assertThat(server.visit(site).body()).isEqualTo("index of v1");

    // Visitors in a loop while releases are published and rolled back: each page is whole, of one release.
    Set<String> allowed = Set.of("index of v1", "index of v2", "page a of v1", "page a of v2");
    List<String> wrong = new CopyOnWriteArrayList<>();
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    AtomicBoolean going = new AtomicBoolean(true);
    List<Thread> visitors = List.of("/", "/a.html").stream().map(path -> Thread.ofVirtual().start(() -> {
      while (going.get()) {
        try {
          HttpResponse<String> r = server.visit(site, path);
          if (r.statusCode() != 200 || !allowed.contains(r.body())) {
            wrong.add(path + " -> " + r.statusCode() + " " + r.body());
          }
          seen.put(r.body(), true);
        } catch (Exception e) {
          wrong.add(path + " -> " + e);
        }
      }
    })).toList();
    try {
      HttpResponse<String> second = publish("alice", site, release("v2", 2000).zip());
      assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
      long v2 = PierTestServer.json(second).path("id").asLong();
      for (int i = 0; i < 3; i++) {
        Thread.sleep(100);
        assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/releases/" + v1.path("id").asLong() + "/activate", null).statusCode())
            .isEqualTo(200);
        Thread.sleep(100);
        assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/releases/" + v2 + "/activate", null).statusCode()).isEqualTo(200);
      }
      Thread.sleep(100);
    } finally {
      going.set(false);
      for (Thread t : visitors) {
        t.join();
      }
    }
    assertThat(wrong).as("requests that saw something other than one whole release").isEmpty();
    assertThat(seen).containsKeys("index of v1", "index of v2", "page a of v1", "page a of v2");
    assertThat(server.visit(site, "/a.html").body()).isEqualTo("page a of v2");

    JsonNode list = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null);
    assertThat(list.size()).as("the starter page, v1 and v2: " + list).isEqualTo(3);
    assertThat(list.get(0).path("files").asLong()).as("newest first").isEqualTo(2002);
    assertThat(list.get(0).path("active").asBoolean()).isTrue();
    assertThat(list.get(1).path("active").asBoolean()).isFalse();
    assertThat(list.get(2).path("source").asString()).isEqualTo("starter");
  }

  private JsonNode state(String site) throws Exception {
    return server.apiJson("alice", "GET", "/api/v1/sites/" + site, null);
  }

  @Test
  void stoppedAndSleepingSitesArePublishedToAndStayAsTheyWere() throws Exception {
    String site = newSite("asleep", "alice");
    assertThat(publish("alice", site, release("stopped", 0).zip()).statusCode()).isEqualTo(201);
    assertThat(state(site).path("state").asString()).isEqualTo("STOPPED");
    assertThat(server.visit(site).statusCode()).isEqualTo(503);
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    assertThat(server.visit(site).body()).as("a stopped site shows it when started").isEqualTo("index of stopped");

    server.api("alice", "PATCH", "/api/v1/sites/" + site, "{\"sleepAfterSeconds\":1}");
    for (int i = 0; i < 300 && !state(site).path("state").asString().equals("SLEEPING"); i++) {
      Thread.sleep(100);
    }
    assertThat(state(site).path("state").asString()).isEqualTo("SLEEPING");
    assertThat(publish("alice", site, release("asleep", 0).zip()).statusCode()).isEqualTo(201);
    assertThat(state(site).path("state").asString()).as("a sleeping site stays asleep").isEqualTo("SLEEPING");
    assertThat(server.visit(site).body()).as("its next visitor sees the new content").isEqualTo("index of asleep");
    long stoppedId = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null).get(1).path("id").asLong();
    server.api("alice", "PATCH", "/api/v1/sites/" + site, "{\"sleepAfterSeconds\":null}");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/stop", null);
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/releases/" + stoppedId + "/activate", null).statusCode()).isEqualTo(200);
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    assertThat(server.visit(site).body()).as("rolled back while stopped").isEqualTo("index of stopped");
  }

  @Test
  void badArchivesAreRefusedWithTheReasonAndTheLiveSiteIsUnchanged() throws Exception {
    String site = newSite("guard", "alice");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    assertThat(publish("alice", site, release("good", 0).zip()).statusCode()).isEqualTo(201);

    record Bad(String what, byte[] body, String type, int status, String says) {}
    byte[] good = release("never", 0).zip();
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    List<Bad> bad = List.of(
        new Bad("a path that climbs out", Archive.of("index.html", "x", "../escaped-marker.html", "x").zip(), "application/zip", 400, "climbs out"),
        new Bad("a sibling with a shared prefix", Archive.of("../html2/escaped-marker.html", "x").zip(), "application/zip", 400, "climbs out"),
        new Bad("an absolute path", Archive.of("/etc/escaped-marker", "x").zip(), "application/zip", 400, "is absolute"),
        new Bad("a truncated archive", truncated, "application/zip", 400, "damaged or truncated"),
        new Bad("not an archive type", good, "text/plain", 400, "Content-Type application/zip"),
        new Bad("a tar that is no tar", good, "application/gzip", 400, "gzip archive is damaged"));
    for (Bad b : bad) {
      HttpResponse<String> r = server.send("alice", "POST", "/api/v1/sites/" + site + "/releases", b.body(), b.type());
      assertThat(r.statusCode()).as(b.what() + ": " + r.body()).isEqualTo(b.status());
      assertThat(PierTestServer.json(r).path("detail").asString()).as(b.what()).contains(b.says());
      assertThat(server.visit(site).body()).as(b.what()).isEqualTo("index of good");
    }
    assertThat(server.send("bob", "POST", "/api/v1/sites/" + site + "/releases", good, "application/zip").statusCode())
        .as("another user's site is not found").isEqualTo(404);

    // Over the site's body limit: refused before it is unpacked.
    server.api("alice", "PATCH", "/api/v1/sites/" + site, "{\"maxBodyBytes\":1000}");
    byte[] noise = new byte[4000];
    new Random(1).nextBytes(noise);
    HttpResponse<String> large = publish("alice", site, Archive.of("noise.bin", "").add("noise.bin", noise).zip());
    assertThat(large.statusCode()).as(large.body()).isEqualTo(413);
    server.api("alice", "PATCH", "/api/v1/sites/" + site, "{\"maxBodyBytes\":0}");

    // A bomb: a small archive that expands beyond the site's free disk.
    HttpResponse<String> bomb = publish("alice", site, Archive.of("zeros.bin", "").add("zeros.bin", new byte[1100 << 20]).zip());
    assertThat(bomb.statusCode()).as(bomb.body()).isEqualTo(413);
    assertThat(PierTestServer.json(bomb).path("detail").asString()).contains("more than the site's disk has free");
    assertThat(server.visit(site).body()).isEqualTo("index of good");

    JsonNode list = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null);
    assertThat(list.size()).as("no release was made by a refused publish: " + list).isEqualTo(2);
    try (var all = Files.walk(server.host.dataDir)) {
      assertThat(all.filter(p -> p.getFileName().toString().startsWith("escaped-marker"))).isEmpty();
    }
    assertThat(Path.of("/etc/escaped-marker")).doesNotExist();
    try (var staging = Files.list(server.host.dataDir.resolve("sites/" + site + "/layer/staging"))) {
      assertThat(staging).as("nothing left of the refused publishes").isEmpty();
    }
  }

  @Test
  void aDiskThatFillsUpDuringAPublishIsSaidAndLeavesTheLiveSiteAsItWas() throws Exception {
    assertThat(server.api("admin", "POST", "/api/v1/plans",
        "{\"name\":\"tinydisk\",\"cpus\":0.2,\"memoryBytes\":67108864,\"pids\":32,\"diskBytes\":33554432,\"outbound\":false}").statusCode())
        .isEqualTo(201);
    String site = server.host.siteName("full");
    server.grantToEveryone("tinydisk");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\",\"plan\":\"tinydisk\"}");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    assertThat(publish("alice", site, release("small", 0).zip()).statusCode()).isEqualTo(201);
    // Few bytes, but more files than a 32 MiB file system has inodes.
    HttpResponse<String> full = publish("alice", site, release("many", 12_000).zip());
    assertThat(full.statusCode()).as(full.body()).isEqualTo(507);
    assertThat(PierTestServer.json(full).path("detail").asString()).contains("the site's disk filled up");
    assertThat(server.visit(site).body()).isEqualTo("index of small");
    assertThat(publish("alice", site, release("after", 0).zip()).statusCode()).as("the space was given back").isEqualTo(201);
    assertThat(server.visit(site).body()).isEqualTo("index of after");
  }

  @Test
  void aPhpSitesDataIsNoReleaseAndSurvivesPublishAndRollback() throws Exception {
    // The image as this build of Pier makes it (built once per machine; the engine's tests usually did).
    server.context().getBean(SiteEngine.class).debianImages().ensure(ImageRecipe.DEBIAN_PHP, server.host.dataDir.resolve("php-image.log"));
    String site = server.host.siteName("php");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\",\"image\":\"debian-php\"}");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    assertThat(server.visits(site)).isEqualTo("1");
    long starter = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null).get(0).path("id").asLong();

    String probe = """
        <?php
        $count = (new PDO('sqlite:/var/www/data/counter.sqlite'))->query('SELECT count FROM visits')->fetchColumn();
        $web = @file_put_contents('/var/www/html/planted.php', 'x') === false ? 'refused' : 'written';
        $data = @file_put_contents('/var/www/data/note.txt', 'kept') === false ? 'refused' : 'written';
        echo "count=$count web=$web data=$data";
        """;
    assertThat(publish("alice", site, Archive.of("index.php", probe).zip()).statusCode()).isEqualTo(201);
    HttpResponse<String> page = server.visit(site);
    assertThat(page.body()).as("the data outlived the publish; the web root is not PHP's to write: " + page.statusCode() + " "
        + server.api("alice", "GET", "/api/v1/sites/" + site + "/logs?bytes=2000", null).body())
        .isEqualTo("count=1 web=refused data=written");
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/releases/" + starter + "/activate", null).statusCode()).isEqualTo(200);
    assertThat(server.visits(site)).as("rolled back onto the same data").isEqualTo("2");
  }

  @Test
  void onlyTheLastReleasesAreKeptAndTheLiveOneNeverGoes() throws Exception {
    server.close();
    server = new PierTestServer(new TestHost(), "--pier.publish.keep-releases=3");
    String site = newSite("keep", "alice");
    long starter = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null).get(0).path("id").asLong();
    long r1 = PierTestServer.json(publish("alice", site, release("r1", 0).zip())).path("id").asLong();
    long r2 = PierTestServer.json(publish("alice", site, release("r2", 0).zip())).path("id").asLong();
    long r3 = PierTestServer.json(publish("alice", site, release("r3", 0).zip())).path("id").asLong();
    JsonNode list = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null);
    assertThat(list.findValues("id").stream().map(JsonNode::asLong).toList()).as("the last 3, newest first").containsExactly(r3, r2, r1);
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/releases/" + starter + "/activate", null).statusCode())
        .as("a pruned release is gone").isEqualTo(404);

    // The oldest made live, then fewer kept: the live one stays however old, the others go oldest first.
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/releases/" + r1 + "/activate", null).statusCode()).isEqualTo(200);
    server.stopServer();
    server = new PierTestServer(server.host, "--pier.publish.keep-releases=2");
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/releases/" + r1 + "/activate", null).statusCode()).isEqualTo(200);
    list = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null);
    assertThat(list.findValues("id").stream().map(JsonNode::asLong).toList()).containsExactly(r3, r1);
    assertThat(list.get(1).path("active").asBoolean()).isTrue();
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    assertThat(server.visit(site).body()).isEqualTo("index of r1");
  }

  @Test
  void twoPublishesAtOnceAreTakenOneAfterTheOther() throws Exception {
    String site = newSite("twice", "alice");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      var a = pool.submit(() -> publish("alice", site, release("a", 1500).zip()));
      var b = pool.submit(() -> publish("alice", site, release("b", 1500).zip()));
      assertThat(a.get().statusCode()).isEqualTo(201);
      assertThat(b.get().statusCode()).isEqualTo(201);
    }
    JsonNode list = server.apiJson("alice", "GET", "/api/v1/sites/" + site + "/releases", null);
    assertThat(list.size()).isEqualTo(3);
    String live = list.get(0).path("active").asBoolean() ? "newest" : "other";
    assertThat(live).as("the publish that ended last is live: " + list).isEqualTo("newest");
    assertThat(server.visit(site).body()).isIn("index of a", "index of b");
    assertThat(list.get(0).path("files").asLong()).isEqualTo(1502);
    assertThat(list.get(1).path("files").asLong()).isEqualTo(1502);
  }

  @Test
  void publishedProgramsAndServerSettingsDoNotRunOnAStaticSite() throws Exception {
    String site = newSite("nocgi", "alice");
    server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null);
    // Prints RAN when run; its text does not hold the word.
    String script = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'; printf 'R%sN' A\n";
    byte[] programs = tar(new String[][] {{"cgi-bin/run", script}, {"run.sh", script}, {"index.html", "ok"}});
    assertThat(server.send("alice", "POST", "/api/v1/sites/" + site + "/releases", programs, "application/x-tar").statusCode()).isEqualTo(201);
    assertThat(server.visit(site).body()).isEqualTo("ok");
    HttpResponse<String> cgi = server.visit(site, "/cgi-bin/run");
    assertThat(cgi.body()).as("a CGI program of the tenant's: " + cgi.statusCode()).doesNotContain("RAN");

    // busybox httpd reads httpd.conf in every folder it serves from, where "*.sh:/bin/sh" would run run.sh.
    for (String conf : new String[] {"httpd.conf", "sub/httpd.conf"}) {
      byte[] settings = tar(new String[][] {{"sub/run.sh", script}, {conf, "*.sh:/bin/sh\n"}, {"index.html", "settings"}});
      HttpResponse<String> refused = server.send("alice", "POST", "/api/v1/sites/" + site + "/releases", settings, "application/x-tar");
      assertThat(refused.statusCode()).as(conf + ": " + refused.body()).isEqualTo(400);
      assertThat(PierTestServer.json(refused).path("detail").asString()).contains("web server's settings file");
    }
    assertThat(server.send("alice", "PUT", "/api/v1/sites/" + site + "/files/run.sh", script.getBytes(StandardCharsets.UTF_8),
        "application/octet-stream").statusCode()).isEqualTo(200);
    assertThat(server.send("alice", "PUT", "/api/v1/sites/" + site + "/files/httpd.conf", "*.sh:/bin/sh\n".getBytes(StandardCharsets.UTF_8),
        "application/octet-stream").statusCode()).as("nor through the file manager").isEqualTo(400);
    assertThat(server.visit(site, "/run.sh").body()).doesNotContain("RAN");
    assertThat(server.visit(site).body()).isEqualTo("ok");
  }

  private static byte[] tar(String[][] files) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      for (String[] f : files) {
        byte[] bytes = f[1].getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f[0]);
        e.setMode(0100755);
        e.setSize(bytes.length);
        t.putArchiveEntry(e);
        t.write(bytes);
        t.closeArchiveEntry();
      }
    }
    return tar.toByteArray();
  }
}
