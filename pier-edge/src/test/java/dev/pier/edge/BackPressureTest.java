package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edge must not buffer a whole body when one side is slower: a stalled reader stalls the writer on the
 * other side of the edge. The bodies are far larger than all the socket buffers in between.
 */
class BackPressureTest {

  private static final int BLOCK = 64 * 1024;
  private static final long TOTAL = 96L * 1024 * 1024;
  private static final byte[] BLOCK_BYTES = TestUpstream.pattern(BLOCK);

  private EdgeServer edge;
  private RawUpstream upstream;

  @AfterEach
  void stop() throws Exception {
    try {
      if (edge != null) {
        edge.close();
      }
    } finally {
      if (upstream != null) {
        upstream.close();
      }
    }
  }

  private void startEdge() throws InterruptedException {
    edge = EdgeServer.builder(EdgeConfig.onPort(0), RouteTable.empty("localhost")
        .withSite("flood", new Route.Upstream("flood", upstream.address()))).build();
    edge.start();
  }

  @Test
  void aClientThatDoesNotReadHoldsBackTheUpstream() throws Exception {
    AtomicLong written = new AtomicLong();
    upstream = new RawUpstream(socket -> {
      RawUpstream.readHead(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + TOTAL + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      for (long sent = 0; sent < TOTAL; sent += BLOCK) {
        out.write(BLOCK_BYTES);
        written.addAndGet(BLOCK);
      }
    });
    startEdge();
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      client.send("GET /flood HTTP/1.1\nHost: flood.localhost");

      assertThat(awaitStall(written)).as("bytes the upstream could write while the client read nothing")
          .isLessThan(TOTAL);

      RawHttp.Response response = client.read();
      assertThat(response.body().length).isEqualTo(TOTAL);
      assertThat(TestUpstream.sha256Hex(response.body())).isEqualTo(expectedSha256());
    }
  }

  @Test
  void anUpstreamThatDoesNotReadHoldsBackTheClient() throws Exception {
    CountDownLatch drain = new CountDownLatch(1);
    upstream = new RawUpstream(socket -> {
      InputStream in = socket.getInputStream();
      RawUpstream.readHead(in);
      drain.await();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long received = 0;
      byte[] buffer = new byte[BLOCK];
      while (received < TOTAL) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, TOTAL - received));
        if (n < 0) {
          break;
        }
        sha.update(buffer, 0, n);
        received += n;
      }
      String body = "length=" + received + " sha256=" + HexFormat.of().formatHex(sha.digest());
      socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
    });
    startEdge();
    AtomicLong sent = new AtomicLong();
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          client.send("POST /flood HTTP/1.1\nHost: flood.localhost\nContent-Length: " + TOTAL);
          for (long n = 0; n < TOTAL; n += BLOCK) {
            client.write(BLOCK_BYTES);
            sent.addAndGet(BLOCK);
          }
        } catch (Exception e) {
          // seen as a short count below
        }
      });
      try {
        assertThat(awaitStall(sent)).as("bytes the client could send while the upstream read nothing")
            .isLessThan(TOTAL);
      } finally {
        drain.countDown();
        writer.join(30_000);
      }
      RawHttp.Response response = client.read();
      assertThat(response.text()).isEqualTo("length=" + TOTAL + " sha256=" + expectedSha256());
    }
  }

  /** Waits until the counter stops moving (or reaches TOTAL) and returns its value. */
  private static long awaitStall(AtomicLong counter) throws InterruptedException {
    long last = -1;
    int unchanged = 0;
    for (int i = 0; i < 300 && unchanged < 5 && last < TOTAL; i++) {
      Thread.sleep(100);
      long now = counter.get();
      unchanged = now == last && now > 0 ? unchanged + 1 : 0;
      last = now;
    }
    return last;
  }

  private static String expectedSha256() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (long n = 0; n < TOTAL; n += BLOCK) {
      sha.update(BLOCK_BYTES);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
