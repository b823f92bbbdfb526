package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.testing.PierTestServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sites' names on a real bind9 by RFC 2136 updates signed with TSIG, checked with {@code dig} as any resolver would see
 * them: names follow sites, somebody else's records are left alone, drift is mended, a server down at create catches up,
 * and a key the server refuses stops Pier at start.
 */
@Tag("root")
class Bind9Test {

  private static final String ZONE = PierTestServer.DOMAIN;

  private Named named;
  private PierTestServer server;

  @AfterEach
  void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (named != null) {
        named.close();
      }
    }
  }

  private PierTestServer pier(String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--pier.dns.server=" + named.address(), "--pier.dns.tsig-key=" + named.keyFile(),
        "--pier.dns.addresses=192.0.2.10,2001:db8::10", "--pier.dns.check-interval=1s", "--pier.dns.retry-min=200ms",
        "--pier.dns.retry-max=1s", "--pier.dns.timeout=2s"));
    args.addAll(List.of(extra));
    return new PierTestServer(new TestHost(), args.toArray(String[]::new));
  }

  @Test
  void namesFollowSitesOthersRecordsAreLeftAloneAndDriftIsMended() throws Exception {
    named = Named.primary(ZONE).start();
    server = pier();
    String taken = server.host.siteName("taken");
    named.nsupdate("update add " + taken + "." + ZONE + " 300 A 192.0.2.7", "update add " + taken + "." + ZONE + " 300 TXT \"v=spf1 -all\"");
    // At start: the domain and www.
    assertThat(named.dig(ZONE, "A")).containsExactly("192.0.2.10");
    assertThat(named.dig(ZONE, "AAAA")).containsExactly("2001:db8::10");
    assertThat(named.dig("www." + ZONE, "A")).containsExactly("192.0.2.10");
    assertThat(named.dig("_pier." + ZONE, "TXT")).containsExactly("\"pier instance=pier domain=pier.test\"");

    String blog = server.host.siteName("blog");
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + blog + "\"}").statusCode()).isEqualTo(201);
    Named.waitFor(named.port, blog + "." + ZONE, "A", a -> a.equals(List.of("192.0.2.10")));
    assertThat(named.dig(blog + "." + ZONE, "AAAA")).containsExactly("2001:db8::10");
    JsonNode dns = waitForDns(blog, d -> d.path("state").asString().equals("published"));
    assertThat(dns.path("records").toString()).contains("192.0.2.10").contains("2001:db8::10");

    // A name that holds somebody else's records: the site is made and works; its DNS state says why it is not published,
    // and the records there stay as they were.
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + taken + "\"}").statusCode()).isEqualTo(201);
    JsonNode refused = waitForDns(taken, d -> d.path("state").asString().equals("failed"));
    assertThat(refused.path("reason").asString()).contains("already has records Pier did not make");
    assertThat(named.dig(taken + "." + ZONE, "A")).containsExactly("192.0.2.7");
    assertThat(named.dig(taken + "." + ZONE, "TXT")).containsExactly("\"v=spf1 -all\"");

    // Somebody changes Pier's record by hand: the next check puts it back.
    named.nsupdate("update delete " + blog + "." + ZONE + " A", "update add " + blog + "." + ZONE + " 300 A 192.0.2.99");
    assertThat(named.dig(blog + "." + ZONE, "A")).containsExactly("192.0.2.99");
    Named.waitFor(named.port, blog + "." + ZONE, "A", a -> a.equals(List.of("192.0.2.10")));

    // The admin sees every name and the settings; a user does not.
    JsonNode view = server.apiJson("admin", "GET", "/api/v1/dns", null);
    assertThat(view.path("settings").path("server").asString()).isEqualTo(named.address());
    assertThat(view.path("settings").toString()).doesNotContain(secret());
    assertThat(view.path("names").toString()).contains(blog + "." + ZONE).contains("www." + ZONE);
    assertThat(server.api("alice", "GET", "/api/v1/dns", null).statusCode()).isEqualTo(403);

    // Deleted, the site's records and marker go; somebody else's stay.
    assertThat(server.api("alice", "DELETE", "/api/v1/sites/" + blog, null).statusCode()).isEqualTo(204);
    Named.waitFor(named.port, blog + "." + ZONE, "A", List::isEmpty);
    assertThat(named.dig("_pier." + blog + "." + ZONE, "TXT")).isEmpty();
    assertThat(server.api("alice", "DELETE", "/api/v1/sites/" + taken, null).statusCode()).isEqualTo(204);
    // One worker sends the updates, in turn: once a site made after the deletion is published, the deletion was done.
    String after = server.host.siteName("after");
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + after + "\"}").statusCode()).isEqualTo(201);
    Named.waitFor(named.port, after + "." + ZONE, "A", a -> a.equals(List.of("192.0.2.10")));
    assertThat(named.dig(taken + "." + ZONE, "A")).containsExactly("192.0.2.7");
    assertThat(named.dig(taken + "." + ZONE, "TXT")).containsExactly("\"v=spf1 -all\"");
  }

  @Test
  void aServerDownAtCreateGetsTheNameOnceItIsUp() throws Exception {
    named = Named.primary(ZONE); // not started: Pier starts all the same
    server = pier();
    String blog = server.host.siteName("down");
    HttpResponse<String> created = server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + blog + "\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode pending = waitForDns(blog, d -> d.path("state").asString().equals("pending") && d.path("reason").asString().contains("does not answer"));
    assertThat(pending.path("reason").asString()).contains(named.address());

    named.start();
    Named.waitFor(named.port, blog + "." + ZONE, "A", a -> a.equals(List.of("192.0.2.10")));
    waitForDns(blog, d -> d.path("state").asString().equals("published"));
    Named.waitFor(named.port, ZONE, "A", a -> a.equals(List.of("192.0.2.10"))); // the domain's records too
  }

  @Test
  void aKeyTheServerRefusesStopsPierAtStartSayingWhy() throws Exception {
    named = Named.primary(ZONE).start();
    java.nio.file.Path wrong = named.dir.resolve("wrong.conf");
    named.keygen(wrong); // the same name, another secret
    try (TestHost host = new TestHost()) {
      Throwable failure = catchThrowable(() -> server = new PierTestServer(host, "--pier.dns.server=" + named.address(),
          "--pier.dns.tsig-key=" + wrong, "--pier.dns.addresses=192.0.2.10"));
      assertThat(messages(failure)).contains("BADSIG").contains("\"pier-key\"").contains("Pier has started no site");
      assertThat(named.dig(ZONE, "A")).isEmpty();
      assertThat(TestHost.hostObjectsNamed(host.config.bridge())).as("no bridge made").isEmpty();

      // A zone the server does not hold.
      failure = catchThrowable(() -> server = new PierTestServer(host, "--pier.dns.server=" + named.address(),
          "--pier.dns.tsig-key=" + named.keyFile(), "--pier.dns.addresses=192.0.2.10", "--pier.domain=pier.example"));
      assertThat(messages(failure)).contains("zone pier.example").contains("REFUSED").contains("Pier has started no site");
    }
  }

  /** Every message in a failure's chain of causes. */
  private static String messages(Throwable failure) {
    assertThat(failure).as("Pier refused to start").isNotNull();
    StringBuilder b = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }

  private String secret() throws Exception {
    String key = java.nio.file.Files.readString(named.keyFile());
    return key.substring(key.indexOf("secret \"") + 8, key.lastIndexOf('"'));
  }

  /** Polls the site's JSON until its DNS state matches; that state. */
  private JsonNode waitForDns(String site, Predicate<JsonNode> wanted) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = server.apiJson("alice", "GET", "/api/v1/sites/" + site, null).path("dns");
      if (wanted.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the DNS state of " + site + " never became what was expected; last: " + last + "\n" + named.log());
  }
}
