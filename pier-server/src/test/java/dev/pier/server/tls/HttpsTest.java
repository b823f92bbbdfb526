package dev.pier.server.tls;

import static dev.pier.server.tls.TlsClient.trusting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.util.MoreFiles;
import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.testing.PierTestServer;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Pem;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTPS through the edge with certificates from Pier's own CA, checked the way a browser that trusts
 * {@code ca.pem} would: by name (SNI and the certificate's name), over a real TLS connection.
 */
@Tag("root")
class HttpsTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Path data() {
    return server.host.dataDir;
  }

  /** Trusts exactly Pier's CA, as a user who installed {@code ca.pem}. */
  private SSLContext trustingPier() throws Exception {
    return trusting((X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(data().resolve("ca.pem")))));
  }


  /** A GET over TLS to the edge on loopback for {@code host}, checked as a browser does. */
  private TlsClient.Answer get(SSLContext ctx, String host, String... protocols) throws Exception {
    return TlsClient.get(ctx, server.context().getBean(EdgeLifecycle.class).httpsPort(), host, protocols);
  }

  @Test
  void sitesAndThePanelAnswerOverHttpsWithCertificatesOfPiersOwnCa() throws Exception {
    String name = server.host.siteName("secure");
    String host = name + "." + PierTestServer.DOMAIN;
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);

    // The CA's key is root's alone; its certificate is published for users.
    assertThat(Files.getPosixFilePermissions(data().resolve("ca/ca-key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(data().resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");

    TlsClient.Answer site = get(trustingPier(), host);
    assertThat(site.text()).startsWith("HTTP/1.1 200").contains("<h1>" + name + "</h1>");
    assertThat(site.protocol()).isEqualTo("TLSv1.3");
    assertThat(site.certificate().getSubjectAlternativeNames()).anyMatch(san -> san.get(1).equals(host));
    assertThat(site.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(get(trustingPier(), host, "TLSv1.2").protocol()).isEqualTo("TLSv1.2");
    assertThat(Files.getPosixFilePermissions(data().resolve("certs").resolve(host).resolve("key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    TlsClient.Answer panel = get(trustingPier(), PierTestServer.DOMAIN);
    assertThat(panel.text()).startsWith("HTTP/1.1 302").containsIgnoringCase("location: https://" + PierTestServer.DOMAIN);

    // A name that is no site gets the panel's certificate, which does not name it: a browser refuses it, and no
    // certificate is made for the name.
    String stranger = "stranger." + PierTestServer.DOMAIN;
    assertThatThrownBy(() -> get(trustingPier(), stranger)).isInstanceOf(SSLHandshakeException.class);
    assertThat(data().resolve("certs").resolve(stranger)).doesNotExist();

    // Anyone can download the CA certificate from the panel, over plain HTTP too.
    var ca = server.api(null, "GET", "/ca.pem", null);
    assertThat(ca.statusCode()).isEqualTo(200);
    assertThat(ca.body()).isEqualTo(Files.readString(data().resolve("ca.pem")));

    // Certificates outlive a restart: the same one is served afterwards.
    server.stopServer();
    server.start();
    assertThat(get(trustingPier(), host).certificate().getSerialNumber()).isEqualTo(site.certificate().getSerialNumber());
  }

  @Test
  void aSiteCanBeHttpsOnlyWithHstsAndLimitItsRequestBodies() throws Exception {
    String name = server.host.siteName("strict");
    String host = name + "." + PierTestServer.DOMAIN;
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    var started = server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    assertThat(started.body()).contains("\"httpsOnly\":false").contains("\"hsts\":false");
    assertThat(get(trustingPier(), host).text()).doesNotContainIgnoringCase("strict-transport-security");

    var changed = server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"httpsOnly\":true,\"hsts\":true}");
    assertThat(changed.body()).contains("\"httpsOnly\":true").contains("\"hsts\":true");
    var plain = server.visit(name);
    int tlsPort = server.context().getBean(EdgeLifecycle.class).httpsPort();
    assertThat(plain.statusCode()).isEqualTo(308);
    assertThat(plain.headers().firstValue("location")).hasValue("https://" + host + ":" + tlsPort + "/");
    TlsClient.Answer secure = get(trustingPier(), host);
    assertThat(secure.text()).startsWith("HTTP/1.1 200").containsIgnoringCase("strict-transport-security: max-age=31536000");

    assertThat(server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"maxBodyBytes\":-5}").statusCode()).isEqualTo(400);
    server.api("alice", "PATCH", "/api/v1/sites/" + name, "{\"httpsOnly\":false,\"maxBodyBytes\":10}");
    var big = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.edgePort() + "/upload"))
        .header("Host", host).POST(HttpRequest.BodyPublishers.ofString("x".repeat(20))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.body()).contains("larger than the site accepts (10 bytes)");
  }


  @Test
  void anAdminsWildcardCertificateIsServedForEverySiteItNames() throws Exception {
    String name = server.host.siteName("wild");
    String host = name + "." + PierTestServer.DOMAIN;
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    // A certificate from another authority, as one bought or made elsewhere would be.
    Path elsewhere = Files.createTempDirectory("pier-other-ca");
    try {
      InternalCa other = InternalCa.loadOrCreate(elsewhere.resolve("ca"), elsewhere.resolve("ca.pem"), PierTestServer.DOMAIN);
      CertifiedKey wildcard = other.issue("*." + PierTestServer.DOMAIN);
      StringBuilder chain = new StringBuilder();
      for (X509Certificate c : wildcard.chain()) {
        chain.append(Pem.encode(c));
      }
      String key = Pem.encode(wildcard.key());
      String json = JsonMapper.builder().build().writeValueAsString(
          Map.of("certificate", chain.toString(), "key", key));

      assertThat(server.api("alice", "POST", "/api/v1/certificates", json).statusCode()).isEqualTo(403);
      String wrongKey = JsonMapper.builder().build().writeValueAsString(
          Map.of("certificate", chain.toString(), "key", Pem.encode(other.issue("x." + PierTestServer.DOMAIN).key())));
      var refused = server.api("admin", "POST", "/api/v1/certificates", wrongKey);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("does not belong to the certificate");

      var uploaded = server.api("admin", "POST", "/api/v1/certificates", json);
      assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
      assertThat(uploaded.body()).contains("*." + PierTestServer.DOMAIN);
      TlsClient.Answer site = get(trusting(other.root()), host);
      assertThat(site.text()).startsWith("HTTP/1.1 200");
      assertThat(site.certificate().getSerialNumber()).isEqualTo(wildcard.leaf().getSerialNumber());
      assertThat(Files.getPosixFilePermissions(data().resolve("certs/uploaded/_wildcard_." + PierTestServer.DOMAIN + "/key.pem")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));

      // Kept across a restart; removed again, the site gets Pier's own certificate.
      server.stopServer();
      server.start();
      assertThat(get(trusting(other.root()), host).certificate().getSerialNumber()).isEqualTo(wildcard.leaf().getSerialNumber());
      assertThat(server.api("admin", "DELETE", "/api/v1/certificates/_wildcard_." + PierTestServer.DOMAIN, null).statusCode()).isEqualTo(204);
      assertThat(get(trustingPier(), host).text()).startsWith("HTTP/1.1 200");
    } finally {
      MoreFiles.deleteRecursively(elsewhere);
    }
  }

  @Test
  void browsersThatSpeakHttp2GetItOverTlsAndTheSiteAnswers() throws Exception {
    String name = server.host.siteName("two");
    String host = name + "." + PierTestServer.DOMAIN;
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    int port = server.context().getBean(EdgeLifecycle.class).httpsPort();
    // curl (with nghttp2) as the browser: it negotiates h2 through ALPN and checks the certificate against ca.pem.
    for (int i = 0; i < 2; i++) {
      Process curl = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", data().resolve("ca.pem").toString(),
          "--resolve", host + ":" + port + ":127.0.0.1", "-w", "\nprotocol=%{http_version} status=%{http_code}\n",
          "https://" + host + ":" + port + "/", "https://" + host + ":" + port + "/index.html")
          .redirectErrorStream(true).start();
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor()).as(out).isZero();
      assertThat(out).contains("<h1>" + name + "</h1>").contains("protocol=2 status=200");
      assertThat(out.split("protocol=2 status=200", -1)).as("both requests, on one connection").hasSize(3);
    }
    // HTTP/1.1 clients on the same port still get HTTP/1.1.
    assertThat(get(trustingPier(), host).text()).startsWith("HTTP/1.1 200");
  }
}
