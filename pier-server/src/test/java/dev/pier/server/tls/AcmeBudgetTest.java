package dev.pier.server.tls;

import static dev.pier.server.tls.TlsClient.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.testing.PierTestServer;
import dev.pier.server.tls.pki.Pem;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A tenant who creates sites one after the other cannot make Pier run into the CA's own limits: with a budget of two
 * orders an hour, against a real ACME CA (Pebble), two names get their certificates and the others wait for their
 * turn, an hour on, served meanwhile with the internal CA's certificate; the admin sees which wait and until when.
 */
@Tag("root")
class AcmeBudgetTest {

  private Pebble pebble;
  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    int http;
    try (ServerSocket free = new ServerSocket(0)) {
      http = free.getLocalPort();
    }
    pebble = new Pebble();
    pebble.start(http);
    server = new PierTestServer(new TestHost(), "--pier.edge.http-port=" + http, "--pier.acme.directory=" + pebble.directory(),
        "--pier.acme.trust=" + pebble.trust(), "--pier.acme.email=admin@" + PierTestServer.DOMAIN,
        "--pier.acme.retry-min=1s", "--pier.acme.retry-max=2s", "--pier.acme.max-orders-per-hour=2");
  }

  @AfterEach
  void stop() throws Exception {
    try {
      server.close();
    } finally {
      pebble.close();
    }
  }

  @Test
  void ordersBeyondTheBudgetWaitTheirTurnAndTheirSitesAreServedMeanwhile() throws Exception {
    List<String> hosts = new ArrayList<>();
    for (String base : new String[] {"one", "two", "three"}) {
      String name = server.host.siteName(base);
      assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(201);
      assertThat(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null).statusCode()).isEqualTo(200);
      hosts.add(name + "." + PierTestServer.DOMAIN);
    }
    List<String> all = new ArrayList<>(hosts);
    all.add(PierTestServer.DOMAIN);

    Map<String, JsonNode> states = waitForStates(all);
    List<String> issued = all.stream().filter(h -> states.get(h).path("state").asString().equals("issued")).toList();
    List<String> waiting = all.stream().filter(h -> states.get(h).path("state").asString().equals("waiting")).toList();
    assertThat(issued).as("two orders in the hour: " + states).hasSize(2);
    assertThat(waiting).as("the others wait: " + states).hasSize(2);
    for (String h : waiting) {
      assertThat(Instant.parse(states.get(h).path("nextAttempt").asString())).as("its turn, when the hour's first order is an hour old")
          .isAfter(Instant.now().plus(Duration.ofMinutes(30)));
      assertThat(states.get(h).path("failures").asInt()).isZero();
    }
    SSLContext internal = trusting(Pem.certificates(Files.readString(server.host.dataDir.resolve("ca.pem"))).getFirst());
    SSLContext ca = trusting(pebble.root());
    for (String h : hosts) {
      TlsClient.Answer a = TlsClient.get(waiting.contains(h) ? internal : ca, server.context().getBean(EdgeLifecycle.class).httpsPort(), h);
      assertThat(a.text()).as(h).startsWith("HTTP/1.1 200");
    }
  }

  /** Polls the admin's view until every name is issued or waiting, and returns each name's entry. */
  private Map<String, JsonNode> waitForStates(List<String> hosts) throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    Map<String, JsonNode> last = new TreeMap<>();
    while (Instant.now().isBefore(deadline)) {
      var r = server.api("admin", "GET", "/api/v1/certificates/acme", null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      last.clear();
      for (JsonNode n : PierTestServer.json(r).path("names")) {
        last.put(n.path("host").asString(), n);
      }
      if (hosts.stream().allMatch(h -> last.containsKey(h) && List.of("issued", "waiting").contains(last.get(h).path("state").asString()))) {
        return Map.copyOf(last);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the names never all became issued or waiting; last: " + last + "\nPebble: " + pebble.log());
  }
}
