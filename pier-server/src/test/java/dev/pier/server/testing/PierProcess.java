package dev.pier.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.engine.testing.TestImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The real server as a separate process on a {@link TestHost}, for tests that kill it with SIGKILL and start it again
 * on the same data. Requests go through the edge's plain HTTP port, as the admin.
 */
public final class PierProcess {

  public static final String DOMAIN = "crash.test";
  private final TestHost host;
  private final List<String> extraArgs;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int port;
  private Process server;
  private Path log;

  public PierProcess(TestHost host, String... extraArgs) throws IOException {
    this.host = host;
    this.extraArgs = List.of(extraArgs);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  /** Starts the server and waits until it answers (90 s at most). */
  public void start() throws Exception {
    log = host.dataDir.resolve("server-" + System.nanoTime() + ".out");
    Files.createDirectories(host.dataDir);
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.pier.server.PierApplication",
        "--data-dir", host.dataDir.toString(), "--domain", DOMAIN, "--http-port", String.valueOf(port), "--https-port", "0",
        "--bridge", host.config.bridge(), "--subnet", host.config.subnet().toString(),
        "--gateway", host.config.subnet().gatewayAddress(), "--pier.network.veth-prefix=" + host.config.vethPrefix(),
        "--pier.engine.cgroup-parent=" + host.config.cgroupParent(), "--pier.engine.run-dir=" + host.runDir(), "--stop-grace", "3s",
        "--pier.images.dir=" + TestImages.DIR, "--pier.images.build-at-start=false", "--pier.sftp.port=0"));
    argv.addAll(extraArgs);
    server = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        if (request("GET", "/ca.pem", null).statusCode() == 200) { // (plain HTTP: the panel's pages redirect)
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      assertThat(server.isAlive()).as("server exited; its output is in " + log + ":\n" + Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as("server ready within 90 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** The server's process id. */
  public long pid() {
    return server.pid();
  }

  /** SIGKILL: the server ends at once; what it started (containers, restic) goes on. */
  public void kill() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly().waitFor();
    }
  }

  /** The end of what the server printed, for failure messages. */
  public String log() {
    try {
      String text = Files.readString(log);
      return text.substring(Math.max(0, text.length() - 8000));
    } catch (IOException | RuntimeException e) {
      return "(no output: " + e + ")";
    }
  }

  /** A request to the API as the admin; {@code body} is JSON, or null. */
  public HttpResponse<String> request(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Host", DOMAIN)
        .timeout(Duration.ofSeconds(120)).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (!path.equals("/ca.pem")) {
      String pw = Files.readString(host.dataDir.resolve("initial-admin-password")).strip();
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + pw).getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET of the site's front page through the edge. */
  public HttpResponse<String> visit(String site) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).header("Host", site + "." + DOMAIN)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The visit counter on the front page of a debian-php site (its starter page counts visits in SQLite). */
  public String visits(String site) throws Exception {
    return PierTestServer.counter(site, visit(site).body());
  }

  /** Kills the server if it runs, and copies what each of its runs printed into {@code dir}, for a failed run to read. */
  public void stopKeepingLogs(Path dir) throws Exception {
    kill();
    Files.createDirectories(dir);
    try (var files = Files.list(host.dataDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("server-")).toList()) {
        Files.copy(f, dir.resolve(host.tag + "-" + f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
