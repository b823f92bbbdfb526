package dev.pier.server.tls;

import dev.pier.engine.util.MoreFiles;
import dev.pier.server.tls.acme.AcmeClient;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real ACME CA on loopback for one test: Debian's {@code pebble}, with {@code pebble-challtestsrv} as its DNS
 * server (every name resolves to 127.0.0.1, so Pebble checks HTTP-01 challenges against Pier's edge). Debian ships no
 * certificate for Pebble's own listener: one is made here, by a CA of the test's, whose certificate {@link #trust()}
 * gives to Pier. Call {@link #start(int)} with the edge's HTTP port; close to end both processes.
 */
final class Pebble implements AutoCloseable {

  private final Path dir;
  private final Path trust;
  /** The ACME listener's port, chosen before Pebble runs, so Pier can be pointed at it first. */
  public final int port;
  private final int managementPort;
  private final List<Process> processes = new ArrayList<>();

  public Pebble() throws IOException {
    dir = Files.createTempDirectory("pier-pebble");
    InternalCa ca = InternalCa.loadOrCreate(dir.resolve("ca"), dir.resolve("ca.pem"), "localhost");
    CertifiedKey listener = ca.issue("localhost");
    StringBuilder chain = new StringBuilder();
    for (X509Certificate c : listener.chain()) {
      chain.append(Pem.encode(c));
    }
    Files.writeString(dir.resolve("cert.pem"), chain);
    Files.writeString(dir.resolve("key.pem"), Pem.encode(listener.key()));
    trust = dir.resolve("ca.pem");
    port = freePort();
    managementPort = freePort();
  }

  /** The directory URL Pier orders from. */
  public String directory() {
    return "https://localhost:" + port + "/dir";
  }

  /** The PEM file Pier trusts Pebble's listener with. */
  public Path trust() {
    return trust;
  }

  /** Starts the DNS server and Pebble, which checks HTTP-01 challenges on {@code httpPort}; returns once it answers. */
  public void start(int httpPort) throws Exception {
    int dnsPort = freePort();
    processes.add(new ProcessBuilder("pebble-challtestsrv", "-dns01", "127.0.0.1:" + dnsPort, "-defaultIPv4", "127.0.0.1",
        "-defaultIPv6", "", "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", "127.0.0.1:" + freePort())
        .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start());
    start(httpPort, dnsPort);
  }

  /**
   * Starts Pebble alone, asking the DNS server on 127.0.0.1:{@code dnsPort} (the test's bind9, or Pier's own) for every
   * name it checks: DNS-01's TXT records there; returns once it answers.
   */
  public void start(int httpPort, int dnsPort) throws Exception {
    Files.writeString(dir.resolve("pebble.json"), """
        {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
          "ocspResponderURL": "", "externalAccountBindingRequired": false}}
        """.formatted(port, managementPort, dir.resolve("cert.pem"), dir.resolve("key.pem"), httpPort, freePort()));
    ProcessBuilder pebble = new ProcessBuilder("pebble", "-config", dir.resolve("pebble.json").toString(),
        "-dnsserver", "127.0.0.1:" + dnsPort)
        .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
    pebble.environment().put("PEBBLE_VA_NOSLEEP", "1"); // no random wait before each check
    pebble.environment().put("PEBBLE_WFE_NONCEREJECT", "0"); // no random "bad nonce" refusals
    processes.add(pebble.start());
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      try {
        if (get(directory()).contains("newOrder")) {
          return;
        }
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("Pebble does not answer at " + directory() + ": " + log(), notYet);
        }
      }
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("Pebble or its DNS server exited: " + log());
        }
      }
      Thread.sleep(100);
    }
  }

  /** The root certificate Pebble signs with this run (it makes a new one at each start). */
  public X509Certificate root() throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(get("https://localhost:" + managementPort + "/roots/0").getBytes()));
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("pebble.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private String get(String url) throws IOException, InterruptedException {
    try {
      SSLContext ssl = AcmeClient.trusting(trust);
      try (HttpClient http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build()) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        return r.body();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Ends Pebble and its DNS server (only these processes, which this object started) and removes their files. */
  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    MoreFiles.deleteRecursively(dir);
  }
}
