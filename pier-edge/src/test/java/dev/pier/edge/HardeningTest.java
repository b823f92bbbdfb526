package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Requests that could be smuggled or that abuse the parser, sent as raw bytes through the edge on loopback to an
 * upstream that records every byte it receives: the client gets 400 and a closed connection, and the upstream
 * never sees a request the edge did not parse as one.
 */
class HardeningTest {

  /** Everything each upstream connection received, in order. */
  private final List<ByteArrayOutputStream> received = new CopyOnWriteArrayList<>();
  private RawUpstream upstream;
  private EdgeServer edge;

  @BeforeEach
  void start() throws Exception {
    upstream = new RawUpstream(this::answerEveryRequest);
    edge = EdgeServer.builder(EdgeConfig.onPort(0), new RouteTable("localhost", upstream.address(),
        Map.of("blog", new Route.Upstream("blog", upstream.address())))).build();
    edge.start();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      edge.close();
    } finally {
      upstream.close();
    }
  }

  /** Records the bytes; answers each request head (bodies by Content-Length only) with a small 200. */
  private void answerEveryRequest(Socket socket) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    received.add(log);
    InputStream in = socket.getInputStream();
    while (true) {
      String head = RawUpstream.readHead(in);
      if (head == null) {
        return;
      }
      synchronized (log) {
        log.write(head.getBytes(StandardCharsets.ISO_8859_1));
      }
      int length = 0;
      boolean chunked = false;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).strip());
        }
        chunked |= line.toLowerCase().startsWith("transfer-encoding:") && line.toLowerCase().contains("chunked");
      }
      if (chunked) { // as the edge sends it: sizes, data, and an empty trailer
        while (true) {
          String size = RawUpstream.readLine(in);
          int n = Integer.parseInt(size.split(";")[0].strip(), 16);
          byte[] data = in.readNBytes(n + 2);
          synchronized (log) {
            log.write(data, 0, n);
          }
          if (n == 0) {
            break;
          }
        }
      } else {
        byte[] body = in.readNBytes(length);
        synchronized (log) {
          log.write(body);
        }
      }
      socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }
  }

  private String upstreamSaw() throws InterruptedException {
    Thread.sleep(200); // anything in flight arrives
    StringBuilder all = new StringBuilder();
    for (ByteArrayOutputStream b : received) {
      synchronized (b) {
        all.append(b.toString(StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }

  /** Sends raw bytes and returns the status line of the answer; asserts the connection is then closed. */
  private String refused(String raw) throws Exception {
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      client.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response r = client.read();
      assertThat(client.closedByPeer()).as("the connection is closed after " + r.status()).isTrue();
      return r.status() + "";
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "CL and TE: POST / HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: blog.localhost\r\n\r\n",
      "TE and CL: POST / HTTP/1.1\r\nHost: blog.localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
      "two lengths: POST / HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 5\r\nContent-Length: 30\r\n\r\nhelloGET /smuggled HTTP/1.1\r\n\r\n",
      "a list of lengths: POST / HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 5, 30\r\n\r\nhelloGET /smuggled HTTP/1.1\r\n\r\n",
      "signed length: POST / HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: +5\r\n\r\nhello",
      "length with junk: POST / HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 5x\r\n\r\nhello",
      "unknown coding: POST / HTTP/1.1\r\nHost: blog.localhost\r\nTransfer-Encoding: gzip\r\n\r\nhello",
      "chunked not last: POST / HTTP/1.1\r\nHost: blog.localhost\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
      "obsolete folding: GET / HTTP/1.1\r\nHost: blog.localhost\r\nX-Folded: a\r\n b\r\n\r\n",
      "bare LF: GET / HTTP/1.1\nHost: blog.localhost\n\n",
      "LF in the request line: GET / HTTP/1.1\nHost: blog.localhost\r\n\r\n",
      "control character in a value: GET / HTTP/1.1\r\nHost: blog.localhost\r\nX-A: a\u0001b\r\n\r\n",
      "space before the colon: GET / HTTP/1.1\r\nHost: blog.localhost\r\nX-A : b\r\n\r\n",
      "control character in a name: GET / HTTP/1.1\r\nHost: blog.localhost\r\nX\u0001A: b\r\n\r\n",
      "two hosts: GET / HTTP/1.1\r\nHost: blog.localhost\r\nHost: evil.localhost\r\n\r\n",
      "no host: GET / HTTP/1.1\r\nX-A: b\r\n\r\n"})
  void isRefusedWith400AndNeverReachesTheUpstream(String testCase) throws Exception {
    String raw = testCase.substring(testCase.indexOf(": ") + 2);
    assertThat(refused(raw)).isEqualTo("400");
    assertThat(upstreamSaw()).as("nothing of it reached the upstream").isEmpty();
  }

  @Test
  void aMalformedChunkSizeEndsTheExchangeWithoutASecondRequestUpstream() throws Exception {
    String status = refused("POST / HTTP/1.1\r\nHost: blog.localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "zz\r\nGET /smuggled HTTP/1.1\r\nHost: blog.localhost\r\n\r\n");
    assertThat(status).isEqualTo("400");
    assertThat(upstreamSaw()).doesNotContain("/smuggled");
  }

  @Test
  void aCleanRequestStillGoesThrough() throws Exception {
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      client.write("POST /form HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.read().text()).isEqualTo("ok");
    }
    assertThat(upstreamSaw()).startsWith("POST /form HTTP/1.1\r\n").endsWith("\r\n\r\nhello");
  }

  @Test
  void longLinesAndHeadersGet414And431() throws Exception {
    assertThat(refused("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: blog.localhost\r\n\r\n")).isEqualTo("414");
    assertThat(refused("GET / HTTP/1.1\r\nHost: blog.localhost\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n")).isEqualTo("431");
    assertThat(upstreamSaw()).isEmpty();
  }

  @Test
  void foldingIsLookedForInHeadsOnlyNotInBodies() throws Exception {
    String chunkedBody = "POST /a HTTP/1.1\r\nHost: blog.localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "6\r\nx\r\n  y\r\n0\r\n\r\n";
    String lengthBody = "POST /b HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 9\r\n\r\nx\r\n\ty\r\n z";
    String folded = "GET /c HTTP/1.1\r\nHost: blog.localhost\r\nX-A: a\r\n\tb\r\n\r\n";
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      client.write((chunkedBody + lengthBody + folded).getBytes(StandardCharsets.ISO_8859_1));
      assertThat(client.read().status()).isEqualTo(200);
      assertThat(client.read().status()).isEqualTo(200);
      assertThat(client.read().status()).isEqualTo(400);
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(upstreamSaw()).contains("POST /a").contains("x\r\n  y").contains("POST /b").contains("x\r\n\ty\r\n z")
        .doesNotContain("GET /c");
  }

  /** A site that holds each request it reads (counting it in {@code arrived}) until {@code release}, then answers "ok". */
  private static RawUpstream holding(java.util.concurrent.Semaphore arrived, java.util.concurrent.CountDownLatch release)
      throws IOException {
    return new RawUpstream(socket -> {
      RawUpstream.readHead(socket.getInputStream());
      arrived.release();
      release.await();
      socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
    });
  }

  /** An edge with short client timeouts and at most two upstream connections per site, in front of {@code up}. */
  private EdgeServer strictEdge(RawUpstream up) throws Exception {
    EdgeServer strict = EdgeServer.builder(EdgeConfig.onPort(0).withClientTimeouts(java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(500))
        .withMaxConnectionsPerSite(2), new RouteTable("localhost", up.address(), Map.of("blog", new Route.Upstream("blog", up.address())))).build();
    strict.start();
    return strict;
  }

  @Test
  void aHeadSentByteByByteTooSlowlyGets408() throws Exception {
    try (EdgeServer strict = strictEdge(upstream); RawHttp client = RawHttp.loopback(strict.httpPort())) {
      for (char c : "GET / HT".toCharArray()) { // slowloris: each byte well within the idle timeout
        client.write(new byte[] {(byte) c});
        Thread.sleep(30);
      }
      Thread.sleep(600);
      RawHttp.Response r = client.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(upstreamSaw()).isEmpty();
  }

  @Test
  void aBodyThatStopsGets408AndTheUpstreamConnectionIsClosed() throws Exception {
    try (EdgeServer strict = strictEdge(upstream); RawHttp client = RawHttp.loopback(strict.httpPort())) {
      client.write("POST /upload HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 100\r\n\r\nonly this".getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response r = client.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(client.closedByPeer()).isTrue();
    }
  }

  @Test
  void oneSiteCannotHoldMoreThanItsShareOfUpstreamConnections() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
    try (RawUpstream slow = holding(arrived, release);
        EdgeServer strict = strictEdge(slow)) {
      List<RawHttp> held = new java.util.ArrayList<>();
      try {
        for (int i = 1; i <= 2; i++) { // two slow requests, of two clients, take the site's two connections
          RawHttp c = RawHttp.from("127.0.0." + i, strict.httpPort());
          c.send("GET /slow HTTP/1.1\nHost: blog.localhost");
          held.add(c);
        }
        assertThat(arrived.tryAcquire(2, 10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        try (RawHttp third = RawHttp.from("127.0.0.3", strict.httpPort())) {
          RawHttp.Response busy = third.get("blog.localhost", "/");
          assertThat(busy.status()).isEqualTo(503);
          assertThat(busy.header("retry-after")).isEqualTo("5");
        }
        release.countDown();
        for (RawHttp c : held) {
          assertThat(c.read().text()).isEqualTo("ok");
        }
      } finally {
        release.countDown();
        for (RawHttp c : held) {
          c.close();
        }
      }
    }
  }

  @Test
  void oneClientCannotHoldMoreThanHalfASitesUpstreamConnections() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
    try (RawUpstream slow = holding(arrived, release);
        EdgeServer strict = strictEdge(slow); // two upstream connections for the site: one per client
        RawHttp reader = RawHttp.from("127.0.0.2", strict.httpPort());
        RawHttp again = RawHttp.from("127.0.0.2", strict.httpPort());
        RawHttp other = RawHttp.from("127.0.0.1", strict.httpPort())) {
      try {
        reader.send("GET /slow HTTP/1.1\nHost: blog.localhost"); // a slow reader holds one
        assertThat(arrived.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        RawHttp.Response refused = again.get("blog.localhost", "/");
        assertThat(refused.status()).as("the same client again").isEqualTo(429);
        assertThat(refused.header("retry-after")).isEqualTo("1");
        other.send("GET /other HTTP/1.1\nHost: blog.localhost");
        assertThat(arrived.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)).as("another client is still served").isTrue();
        release.countDown();
        assertThat(reader.read().text()).isEqualTo("ok");
        assertThat(other.read().text()).isEqualTo("ok");
        assertThat(again.get("blog.localhost", "/").status()).as("once the first is done").isEqualTo(200);
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void aBodyOverTheSitesLimitGets413WhetherAnnouncedOrChunked() throws Exception {
    edge.routes(edge.routes().withSite("blog", new Route.Upstream("blog", upstream.address(), new Route.Policy(false, false, 5))));
    assertThat(refused("POST / HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 6\r\n\r\nsix!!!")).isEqualTo("413");
    assertThat(upstreamSaw()).isEmpty();
    assertThat(refused("POST / HTTP/1.1\r\nHost: blog.localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"))
        .isEqualTo("413");
    assertThat(upstreamSaw()).doesNotContain("def");
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      client.write("POST / HTTP/1.1\r\nHost: blog.localhost\r\nContent-Length: 5\r\n\r\nfive!".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.read().status()).as("at the limit is fine").isEqualTo(200);
    }
  }

  @Test
  void aNegativeChunkSizeIsRefusedAndTheEdgeKeepsServing() throws Exception {
    for (int i = 0; i < 4; i++) { // on every event loop
      assertThat(refused("POST / HTTP/1.1\r\nHost: blog.localhost\r\nTransfer-Encoding: chunked\r\n\r\n-6\r\nX\r\n")).isEqualTo("400");
    }
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      client.write("GET /after HTTP/1.1\r\nHost: blog.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.read().text()).isEqualTo("ok");
    }
  }
}
