package dev.pier.server.tls;

import static dev.pier.server.tls.TlsClient.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.testing.PierTestServer;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Certificates from a real ACME CA (Pebble, on loopback), which checks each name over HTTP-01 against Pier's edge:
 * what a visitor's browser that trusts that CA sees, what the admin sees in the API, back-off while the CA is down,
 * persistence across a restart, and the renewal of a certificate near its end.
 */
@Tag("root")
class AcmeTest {

  private Pebble pebble;
  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    pebble = new Pebble();
    // Pebble is not running yet: Pier starts with its CA unreachable.
    server = new PierTestServer(new TestHost(), "--pier.acme.directory=" + pebble.directory(),
        "--pier.acme.trust=" + pebble.trust(), "--pier.acme.email=admin@" + PierTestServer.DOMAIN,
        "--pier.acme.retry-min=1s", "--pier.acme.retry-max=2s",
        "--pier.acme.max-orders-per-hour=1000");
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
  void sitesAndThePanelGetTheCasCertificatesAfterItComesBackAndKeepThemAcrossRestarts() throws Exception {
    String name = server.host.siteName("acme");
    String host = name + "." + PierTestServer.DOMAIN;
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(201);
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null).statusCode()).isEqualTo(200);
    assertThat(server.api("alice", "GET", "/api/v1/certificates/acme", null).statusCode()).isEqualTo(403);

    // The CA is down: the admin sees why and that Pier keeps trying; the site is served meanwhile with the internal CA's
    // certificate.
    JsonNode failed = waitForName(host, n -> n.path("state").asString().equals("failed") && n.path("failures").asInt() >= 2);
    assertThat(failed.path("lastError").asString()).isNotBlank();
    assertThat(failed.path("nextAttempt").asString()).isNotBlank();
    assertThat(get(trusting(pier()), host).text()).startsWith("HTTP/1.1 200");

    // The CA comes up: the next retry proves the names over HTTP-01 through the edge and installs the certificates.
    pebble.start(server.edgePort());
    JsonNode issued = waitForName(host, n -> n.path("state").asString().equals("issued"));
    assertThat(issued.path("failures").asInt()).isZero();
    waitForName(PierTestServer.DOMAIN, n -> n.path("state").asString().equals("issued"));
    SSLContext trustingPebble = trusting(pebble.root());
    TlsClient.Answer site = get(trustingPebble, host);
    assertThat(site.text()).startsWith("HTTP/1.1 200");
    assertThat(site.certificate().getIssuerX500Principal().getName()).contains("Pebble");
    TlsClient.Answer panel = get(trustingPebble, PierTestServer.DOMAIN);
    assertThat(panel.certificate().getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo(PierTestServer.DOMAIN));

    Path data = server.host.dataDir;
    assertThat(Files.getPosixFilePermissions(data.resolve("certs/acme/" + host + "/key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(data.resolve("acme/account-key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

    // Restarted, Pier serves the same certificates at once. The site's is swapped, first, for a 90-day one with two days
    // left: Pier renews it from the CA.
    server.stopServer();
    InternalCa old = InternalCa.loadOrCreate(data.resolve("old-ca"), data.resolve("old-ca.pem"), PierTestServer.DOMAIN);
    CertifiedKey expiring = old.issue(host, Instant.now().minus(Duration.ofDays(88)), Instant.now().plus(Duration.ofDays(2)));
    Files.writeString(data.resolve("certs/acme/" + host + "/key.pem"), Pem.encode(expiring.key()));
    Files.writeString(data.resolve("certs/acme/" + host + "/chain.pem"), Pem.encode(expiring.leaf()));
    server.start();
    assertThat(get(trustingPebble, PierTestServer.DOMAIN).certificate().getSerialNumber()).isEqualTo(panel.certificate().getSerialNumber());
    JsonNode renewed = waitForName(host, n -> n.path("state").asString().equals("issued")
        && Instant.parse(n.path("notAfter").asString()).isAfter(Instant.now().plus(Duration.ofDays(30))));
    assertThat(renewed.path("issuer").asString()).contains("Pebble");
    TlsClient.Answer after = get(trustingPebble, host);
    assertThat(after.text()).startsWith("HTTP/1.1 200");
    assertThat(after.certificate().getSerialNumber()).isNotEqualTo(site.certificate().getSerialNumber());
  }

  /** Polls the admin's view of the ACME certificates until {@code host}'s entry matches. */
  private JsonNode waitForName(String host, Predicate<JsonNode> wanted) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      var r = server.api("admin", "GET", "/api/v1/certificates/acme", null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode view = PierTestServer.json(r);
      assertThat(view.path("directory").asString()).isEqualTo(pebble.directory());
      for (JsonNode n : view.path("names")) {
        if (n.path("host").asString().equals(host)) {
          last = n;
          if (wanted.test(n)) {
            return n;
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the ACME state of " + host + " never became what was expected; last: " + last + "\nPebble: " + pebble.log());
  }

  private X509Certificate pier() throws Exception {
    return Pem.certificates(Files.readString(server.host.dataDir.resolve("ca.pem"))).getFirst();
  }


  /** A GET over TLS to the edge on loopback for {@code host}, checked as a browser does. */
  private TlsClient.Answer get(SSLContext ctx, String host) throws Exception {
    return TlsClient.get(ctx, server.context().getBean(EdgeLifecycle.class).httpsPort(), host);
  }

}
