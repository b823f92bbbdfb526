package dev.pier.server.tls;

import static dev.pier.server.tls.TlsClient.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.dns.Named;
import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.testing.PierTestServer;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * With DNS kept by Pier (a real bind9, or Pier's own server and a bind9 secondary of it) and an ACME CA (Pebble, checking
 * DNS-01 at that bind9),
 * one certificate for the domain and {@code *.DOMAIN} serves the panel and every site, one made after it was issued
 * included, with no order of its own: what a client that trusts Pebble's root sees.
 */
@Tag("root")
class WildcardCertificateTest {

  private static final String DOMAIN = PierTestServer.DOMAIN;

  private Pebble pebble;
  private Named named;
  private PierTestServer server;

  @AfterEach
  void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      try {
        if (pebble != null) {
          pebble.close();
        }
      } finally {
        if (named != null) {
          named.close();
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bind9", "embedded"})
  void oneCertificateByDns01CoversTheDomainAndEverySiteMadeAfterIt(String dns) throws Exception {
    pebble = new Pebble();
    List<String> args = new ArrayList<>(List.of("--pier.acme.directory=" + pebble.directory(), "--pier.acme.trust=" + pebble.trust(),
        "--pier.acme.retry-min=1s", "--pier.acme.retry-max=2s", "--pier.dns.addresses=127.0.0.1"));
    int dnsPort;
    if (dns.equals("bind9")) {
      named = Named.primary(DOMAIN).start();
      dnsPort = named.port;
      args.addAll(List.of("--pier.dns.server=" + named.address(), "--pier.dns.tsig-key=" + named.keyFile()));
    } else { // Pier's own server, with a bind9 secondary; the CA asks the secondary, which has the answers once it transferred
      int primary = Named.freePort();
      named = Named.secondary(DOMAIN, primary);
      dnsPort = named.port;
      args.addAll(List.of("--pier.dns.mode=embedded", "--pier.dns.port=" + primary, "--pier.dns.listen=127.0.0.1",
          "--pier.dns.secondaries=127.0.0.1:" + named.port));
    }
    server = new PierTestServer(new TestHost(), args.toArray(String[]::new));
    if (dns.equals("embedded")) {
      named.start();
    }
    pebble.start(server.edgePort(), dnsPort);

    JsonNode issued = waitForWildcard();
    assertThat(issued.path("issuer").asString()).contains("Pebble");
    SSLContext trustingPebble = trusting(pebble.root());
    TlsClient.Answer panel = TlsClient.get(trustingPebble, httpsPort(), DOMAIN);
    assertThat(names(panel.certificate())).contains(DOMAIN, "*." + DOMAIN);
    // The challenge's TXT records are removed once the CA has checked them (from the secondary once it transferred again).
    Named.waitFor(dnsPort, "_acme-challenge." + DOMAIN, "TXT", List::isEmpty);

    // A site made now is served with that certificate at once: no order of its own.
    String name = server.host.siteName("late");
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(201);
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null).statusCode()).isEqualTo(200);
    TlsClient.Answer site = TlsClient.get(trustingPebble, httpsPort(), name + "." + DOMAIN);
    assertThat(site.text()).startsWith("HTTP/1.1 200");
    assertThat(site.certificate().getSerialNumber()).isEqualTo(panel.certificate().getSerialNumber());
    JsonNode acme = server.apiJson("admin", "GET", "/api/v1/certificates/acme", null);
    assertThat(acme.path("names")).hasSize(1);
    assertThat(acme.path("names").get(0).path("host").asString()).isEqualTo("*." + DOMAIN);
    assertThat(Named.digAt(dnsPort, name + "." + DOMAIN, "A")).containsExactly("127.0.0.1");
  }

  private int httpsPort() {
    return server.context().getBean(EdgeLifecycle.class).httpsPort();
  }

  private static List<String> names(X509Certificate c) throws Exception {
    List<String> out = new ArrayList<>();
    for (List<?> san : c.getSubjectAlternativeNames()) {
      out.add(String.valueOf(san.get(1)));
    }
    return out;
  }

  private JsonNode waitForWildcard() throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      JsonNode view = server.apiJson("admin", "GET", "/api/v1/certificates/acme", null);
      last = view.path("names");
      for (JsonNode n : last) {
        if (n.path("host").asString().equals("*." + DOMAIN) && n.path("state").asString().equals("issued")) {
          return n;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no wildcard certificate; last: " + last + "\nPebble: " + pebble.log());
  }
}
