package dev.pier.server.testing;

import dev.pier.engine.testing.TestHost;
import dev.pier.engine.testing.TestImages;
import dev.pier.server.PierApplication;
import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.security.EmbeddedLdap;
import dev.pier.server.ssh.SshServerLifecycle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole Pier server for one test, on a {@link TestHost} of its own (data directory, bridge, subnet, veth prefix,
 * cgroup parent), with the edge on an ephemeral port and users {@code alice} and {@code bob} added to the embedded
 * directory beside {@code admin}. Close it to stop the server and remove everything it made on the host.
 */
public final class PierTestServer implements AutoCloseable {

  public static final String DOMAIN = "pier.test";

  public final TestHost host;
  private ConfigurableApplicationContext context;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public PierTestServer() throws IOException {
    this(new TestHost());
  }

  private final List<String> extraArgs;

  public PierTestServer(TestHost host, String... extraArgs) {
    this.host = host;
    this.extraArgs = List.of(extraArgs);
    start();
  }

  /** Starts (or starts again, after {@link #stopServer()}) the server on the same host and data. */
  public void start() {
    List<String> args = new ArrayList<>(List.of(
        "--pier.data-dir=" + host.dataDir,
        "--pier.domain=" + DOMAIN,
        "--pier.edge.http-port=0",
        "--pier.edge.https-port=0",
        "--pier.network.bridge=" + host.config.bridge(),
        "--pier.network.subnet=" + host.config.subnet(),
        "--pier.network.gateway=" + host.config.subnet().gatewayAddress(),
        "--pier.network.veth-prefix=" + host.config.vethPrefix(),
        "--pier.engine.cgroup-parent=" + host.config.cgroupParent(),
        "--pier.engine.run-dir=" + host.runDir(),
        "--pier.engine.stop-grace=5s",
        "--pier.images.dir=" + TestImages.DIR,
        "--pier.images.build-at-start=false",
        "--pier.engine.watch-interval=1s",
        "--pier.engine.usage-interval=1s",
        "--pier.engine.reconcile-interval=2s",
        "--pier.sftp.port=0",
        "--pier.backup.daily=false",
        "--pier.backup.before-publish=false", // (on in the backups' own tests: a restic backup per publish costs a second)
        "--logging.file.name=" + host.dataDir.resolve("logs/pier.log")));
    // An extra argument replaces the default of the same name (a fixed edge port, say).
    args.removeIf(d -> extraArgs.stream().anyMatch(e -> e.contains("=") && d.startsWith(e.substring(0, e.indexOf('=') + 1))));
    args.addAll(extraArgs);
    context = new SpringApplicationBuilder(PierApplication.class).run(args.toArray(String[]::new));
    EmbeddedLdap ldap = context.getBean(EmbeddedLdap.class);
    for (String user : new String[] {"alice", "bob"}) {
      try {
        ldap.addUser(user, password(user), false);
      } catch (IllegalArgumentException alreadyThere) {
        // a restarted server keeps its directory
      }
    }
  }

  /** Stops the server the way Ctrl-C does; sites keep running. */
  public void stopServer() {
    if (context != null) {
      context.close();
      context = null;
    }
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  /** The port of Pier's SSH server (SFTP, git). */
  public int sshPort() {
    return context.getBean(SshServerLifecycle.class).port();
  }

  public int edgePort() {
    return context.getBean(EdgeLifecycle.class).httpPort();
  }

  public int httpsPort() {
    return context.getBean(EdgeLifecycle.class).httpsPort();
  }

  /** The panel's address through the edge: over HTTPS, as the edge redirects plain HTTP to it. */
  public String panelUrl() {
    return "https://" + DOMAIN + ":" + httpsPort() + "/";
  }

  /** The panel's address for {@link #browser()}: the edge's HTTPS port on loopback (the Host header names the panel). */
  public String panelBase() {
    return "https://127.0.0.1:" + httpsPort();
  }

  /**
   * A client with a cookie jar, as a browser is, over HTTP/1.1 and HTTPS: it trusts Pier's CA ({@code DATA-DIR/ca.pem})
   * and, as it connects to 127.0.0.1 and names the panel in its Host header only, checks the certificate's chain but
   * not its name.
   */
  public HttpClient browser() throws Exception {
    X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(host.dataDir.resolve("ca.pem"))));
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("pier", root);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    X509TrustManager chain = (X509TrustManager) tmf.getTrustManagers()[0];
    X509ExtendedTrustManager chainOnly = new X509ExtendedTrustManager() {
      @Override
      public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        chain.checkServerTrusted(certs, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        chain.checkServerTrusted(certs, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        chain.checkServerTrusted(certs, authType);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("no client certificates");
      }

      @Override
      public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("no client certificates");
      }

      @Override
      public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        throw new CertificateException("no client certificates");
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
      }
    };
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {chainOnly}, null);
    return HttpClient.newBuilder().cookieHandler(new CookieManager()).sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Lets every user put sites on these plans (users may use the default plan only until an admin grants more). */
  public void grantToEveryone(String... plans) throws Exception {
    for (String plan : plans) {
      int status = api("admin", "PUT", "/api/v1/plans/" + plan + "/grants/everyone", null).statusCode();
      if (status != 201 && status != 204) {
        throw new AssertionError("granting plan " + plan + ": " + status);
      }
    }
  }

  /** Test users' passwords; admin's is the generated one. */
  public String password(String user) {
    if (user.equals("admin")) {
      try {
        return Files.readString(host.dataDir.resolve("initial-admin-password")).strip();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return user + "-secret-" + host.tag;
  }

  /** An API call as {@code user}, through the edge (Host: the panel's domain). */
  public HttpResponse<String> api(String user, String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort() + path))
        .timeout(Duration.ofSeconds(60))
        .header("Host", DOMAIN)
        .header("Accept", "application/json, text/plain;q=0.9");
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8)));
    }
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An API call as {@code user} with {@code body} as the request body, of type {@code contentType}. */
  public HttpResponse<String> send(String user, String method, String path, byte[] body, String contentType) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort() + path))
        .timeout(Duration.ofSeconds(120))
        .header("Host", DOMAIN)
        .header("Accept", "application/json")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8)))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET as {@code user} whose answer's body is bytes (an archive). */
  public HttpResponse<byte[]> download(String user, String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort() + path))
        .timeout(Duration.ofSeconds(120))
        .header("Host", DOMAIN)
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8)))
        .GET();
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** An answer's body as JSON. */
  public static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  /** {@link #api}, its answer's body read as JSON. */
  public JsonNode apiJson(String user, String method, String path, String json) throws Exception {
    return json(api(user, method, path, json));
  }

  /** The visit count a PHP site's starter page shows (and increments) on a GET through the edge. */
  public String visits(String site) throws Exception {
    return counter(site, visit(site).body());
  }

  /** The visit counter on a debian-php starter page. */
  static String counter(String site, String body) {
    int at = body.indexOf("<strong id=\"visits\">");
    if (at < 0) {
      throw new AssertionError("no visit counter on the page of " + site + ": " + body);
    }
    return body.substring(at + "<strong id=\"visits\">".length(), body.indexOf("</strong>", at));
  }

  /** A GET of {@code http://SITE.DOMAIN/} through the edge, from loopback, with the site's Host header. */
  public HttpResponse<String> visit(String site) throws Exception {
    return visit(site, "/");
  }

  /** A GET of {@code http://SITE.DOMAIN/PATH} through the edge. */
  public HttpResponse<String> visit(String site, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort() + path))
        .header("Host", site + "." + DOMAIN + ":" + edgePort()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws IOException {
    stopServer();
    host.close();
  }
}
