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
 * With DNS kept by Pier (a real bind9, or Pier's own server) and an ACME CA (Pebble, checking DNS-01 at that DNS server),
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
    } else {
      dnsPort = Named.freePort();
      args.addAll(List.of("--pier.dns.mode=embedded", "--pier.dns.port=" + dnsPort, "--pier.dns.listen=127.0.0.1"));
    }
    server = new PierTestServer(new TestHost(), args.toArray(String[]::new));
    pebble.start(server.edgePort(), dnsPort);

    JsonNode issued = waitForWildcard();
    assertThat(issued.path("issuer").asString()).contains("Pebble");
    SSLContext trustingPebble = trusting(pebble.root());
    TlsClient.Answer panel = TlsClient.get(trustingPebble, httpsPort(), DOMAIN);
    assertThat(names(panel.certificate())).contains(DOMAIN, "*." + DOMAIN);
    // The challenge's TXT records were removed once the CA had checked them.
    assertThat(Named.digAt(dnsPort, "_acme-challenge." + DOMAIN, "TXT")).isEmpty();

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
