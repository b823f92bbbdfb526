package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The edge on real loopback sockets, in front of small JDK HttpServer upstreams. */
class EdgeServerTest {

  private TestUpstream blog;
  private TestUpstream panel;
  private EdgeServer edge;

  @BeforeEach
  void start() throws Exception {
    blog = new TestUpstream("blog");
    panel = new TestUpstream("panel");
    RouteTable routes = new RouteTable("localhost", panel.address(), Map.of(
        "blog", new Route.Upstream("blog", blog.address()),
        "shop", new Route.Stopped("shop")));
    edge = EdgeServer.builder(EdgeConfig.onPort(0), routes).build();
    edge.start();
  }

  @AfterEach
  void stop() {
    try {
      if (edge != null) {
        edge.close();
      }
    } finally {
      blog.close();
      panel.close();
    }
  }

  private RawHttp client() throws IOException {
    return RawHttp.loopback(edge.httpPort());
  }

  @Test
  void getIsForwardedWithForwardedHeadersAndTheOriginalHost() throws Exception {
    try (RawHttp client = client()) {
      RawHttp.Response response = client.send("GET /echo/page?q=1 HTTP/1.1\nHost: BLOG.Localhost:" + edge.httpPort()
          + "\nX-Forwarded-For: 203.0.113.9\nConnection: keep-alive, X-Secret\nX-Secret: hidden").read();

      assertThat(response.status()).isEqualTo(200);
      Map<String, String> seen = TestUpstream.parseEcho(response.text());
      assertThat(seen).containsEntry("site", "blog")
          .containsEntry("uri", "/echo/page?q=1")
          .containsEntry("host", "BLOG.Localhost:" + edge.httpPort())
          .containsEntry("x-forwarded-for", "127.0.0.1")
          .containsEntry("x-forwarded-proto", "http")
          .containsEntry("x-forwarded-host", "BLOG.Localhost:" + edge.httpPort())
          .containsEntry("x-forwarded-port", String.valueOf(edge.httpPort()))
          .doesNotContainKey("x-secret");
      assertThat(response.header("connection")).isEqualTo("keep-alive");
    }
  }

  @Test
  void apexGoesToThePanel() throws Exception {
    try (RawHttp client = client()) {
      RawHttp.Response response = client.get("localhost", "/echo");
      assertThat(response.status()).isEqualTo(200);
      assertThat(TestUpstream.parseEcho(response.text())).containsEntry("site", "panel");
    }
  }

  @Test
  void ipv6ClientIsServedAndNamedInXForwardedFor() throws Exception {
    assumeTrue(ipv6Loopback(), "no IPv6 loopback on this machine");
    assumeTrue(EdgeConfig.onPort(0).httpListen().get(0).getAddress() instanceof Inet6Address, "edge could not listen on IPv6");
    try (RawHttp client = new RawHttp(InetAddress.getByName("::1"), edge.httpPort())) {
      RawHttp.Response response = client.get("blog.localhost", "/echo");
      assertThat(response.status()).isEqualTo(200);
      assertThat(TestUpstream.parseEcho(response.text())).containsEntry("x-forwarded-for", "::1");
    }
  }

  @Test
  void keepAliveConnectionServesSeveralRequestsAndReusesTheUpstreamConnection() throws Exception {
    try (RawHttp client = client()) {
      Map<String, String> first = TestUpstream.parseEcho(client.get("blog.localhost", "/echo/1").text());
      Map<String, String> second = TestUpstream.parseEcho(client.get("blog.localhost", "/echo/2").text());
      Map<String, String> third = TestUpstream.parseEcho(client.get("localhost", "/echo/3").text());
      RawHttp.Response fourth = client.get("shop.localhost", "/");
      Map<String, String> fifth = TestUpstream.parseEcho(client.get("blog.localhost", "/echo/5").text());

      assertThat(first).containsEntry("uri", "/echo/1");
      assertThat(second).containsEntry("uri", "/echo/2").containsEntry("remote-port", first.get("remote-port"));
      assertThat(third).containsEntry("uri", "/echo/3").containsEntry("site", "panel");
      assertThat(fourth.status()).isEqualTo(503);
      assertThat(fifth).containsEntry("uri", "/echo/5").containsEntry("site", "blog")
          .containsEntry("remote-port", first.get("remote-port")); // kept in the pool while the panel was asked
    }
  }

  @Test
  void clientConnectionsOneAfterAnotherShareKeptAliveUpstreamConnections() throws Exception {
    int loops = Runtime.getRuntime().availableProcessors(); // one pool per event loop
    java.util.Set<String> upstreamPorts = new java.util.HashSet<>();
    for (int i = 0; i < 2 * loops + 1; i++) {
      try (RawHttp client = client()) {
        RawHttp.Response r = client.send("GET /echo/" + i + " HTTP/1.1\nHost: blog.localhost\nConnection: close").read();
        assertThat(r.status()).isEqualTo(200);
        upstreamPorts.add(TestUpstream.parseEcho(r.text()).get("remote-port"));
      }
    }
    // Without the pool each client connection would have had an upstream connection of its own.
    assertThat(upstreamPorts).hasSizeLessThanOrEqualTo(loops);
  }

  @Test
  void largeUploadArrivesIntact() throws Exception {
    byte[] body = TestUpstream.pattern(8 * 1024 * 1024 + 17);
    try (RawHttp client = client()) {
      RawHttp.Response response = client.send("POST /upload HTTP/1.1\nHost: blog.localhost\nContent-Length: " + body.length, body).read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("length=" + body.length + " sha256=" + TestUpstream.sha256Hex(body));
      // and the connection is still good
      assertThat(client.get("blog.localhost", "/echo").status()).isEqualTo(200);
    }
  }

  @Test
  void chunkedUploadWithExpectContinueArrivesIntact() throws Exception {
    byte[] body = TestUpstream.pattern(3 * 1024 * 1024);
    try (RawHttp client = client()) {
      client.send("POST /upload HTTP/1.1\nHost: blog.localhost\nTransfer-Encoding: chunked\nExpect: 100-continue");
      assertThat(client.read().status()).isEqualTo(100);
      for (int offset = 0; offset < body.length; offset += 100_000) {
        int n = Math.min(100_000, body.length - offset);
        client.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        client.write(java.util.Arrays.copyOfRange(body, offset, offset + n));
        client.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      client.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response response = client.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("length=" + body.length + " sha256=" + TestUpstream.sha256Hex(body));
    }
  }

  @Test
  void largeResponsesArriveIntact() throws Exception {
    int size = 8 * 1024 * 1024 + 5;
    String expected = TestUpstream.sha256Hex(TestUpstream.pattern(size));
    try (RawHttp client = client()) {
      RawHttp.Response sized = client.get("blog.localhost", "/big?size=" + size);
      RawHttp.Response chunked = client.get("blog.localhost", "/big-chunked?size=" + size);

      assertThat(sized.header("content-length")).isEqualTo(String.valueOf(size));
      assertThat(TestUpstream.sha256Hex(sized.body())).isEqualTo(expected);
      assertThat(chunked.header("transfer-encoding")).isEqualTo("chunked");
      assertThat(TestUpstream.sha256Hex(chunked.body())).isEqualTo(expected);
    }
  }

  @Test
  void routeSwapTakesEffectOnTheNextRequest() throws Exception {
    RouteTable running = edge.routes();
    try (RawHttp client = client()) {
      assertThat(client.get("blog.localhost", "/echo").status()).isEqualTo(200);

      edge.routes(running.withSite("blog", new Route.Stopped("blog")));
      RawHttp.Response stopped = client.get("blog.localhost", "/echo");
      assertThat(stopped.status()).isEqualTo(503);
      assertThat(stopped.text()).contains("The site blog is stopped.");
      assertThat(stopped.header("retry-after")).isNotBlank();

      edge.routes(running);
      assertThat(client.get("blog.localhost", "/echo").status()).isEqualTo(200);

      edge.routes(running.withoutSite("blog"));
      assertThat(client.get("blog.localhost", "/echo").status()).isEqualTo(404);
    }
  }

  @Test
  void unknownSiteIs404() throws Exception {
    try (RawHttp client = client()) {
      RawHttp.Response response = client.get("nothing.localhost:1234", "/");
      assertThat(response.status()).isEqualTo(404);
      assertThat(response.header("content-type")).isEqualTo("text/html; charset=utf-8");
      assertThat(response.text()).contains("No site at nothing.localhost.");
    }
  }

  @Test
  void refusedUpstreamIs502AndTheClientConnectionStaysUsable() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    edge.routes(edge.routes().withSite("gone", new Route.Upstream("gone", new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort))));
    try (RawHttp client = client()) {
      RawHttp.Response response = client.get("gone.localhost", "/");
      assertThat(response.status()).isEqualTo(502);
      assertThat(response.text()).contains("The site gone is not answering.");
      assertThat(client.get("blog.localhost", "/echo").status()).isEqualTo(200);
    }
  }

  @Test
  void refusedPanelIs502() throws Exception {
    panel.close();
    try (RawHttp client = client()) {
      RawHttp.Response response = client.get("localhost", "/");
      assertThat(response.status()).isEqualTo(502);
      assertThat(response.text()).contains("The panel is not answering.");
    }
  }

  @Test
  void upstreamClosingMidResponseClosesTheClientConnection() throws Exception {
    try (RawUpstream broken = new RawUpstream(socket -> {
      RawUpstream.readHead(socket.getInputStream());
      socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n0123456789".getBytes(StandardCharsets.US_ASCII));
    })) {
      edge.routes(edge.routes().withSite("broken", new Route.Upstream("broken", broken.address())));
      try (RawHttp client = client()) {
        assertThatThrownBy(() -> client.get("broken.localhost", "/")).isInstanceOf(EOFException.class)
            .hasMessageContaining("cut short after 10 bytes");
      }
    }
  }

  @Test
  void upstreamClosingBeforeAnsweringIs502() throws Exception {
    try (RawUpstream mute = new RawUpstream(socket -> RawUpstream.readHead(socket.getInputStream()))) {
      edge.routes(edge.routes().withSite("mute", new Route.Upstream("mute", mute.address())));
      try (RawHttp client = client()) {
        RawHttp.Response response = client.get("mute.localhost", "/");
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.text()).contains("The site mute is not answering.");
      }
    }
  }

  @Test
  void upstreamThatClosesAfterEachResponseGetsAFreshConnectionPerRequest() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (RawUpstream oneShot = new RawUpstream(socket -> {
      int n = connections.incrementAndGet();
      RawUpstream.readHead(socket.getInputStream());
      socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n" + n)
          .getBytes(StandardCharsets.US_ASCII));
    })) {
      edge.routes(edge.routes().withSite("oneshot", new Route.Upstream("oneshot", oneShot.address())));
      try (RawHttp client = client()) {
        RawHttp.Response first = client.get("oneshot.localhost", "/");
        RawHttp.Response second = client.get("oneshot.localhost", "/");
        assertThat(first.text()).isEqualTo("1");
        assertThat(first.header("connection")).isEqualTo("keep-alive");
        assertThat(second.text()).isEqualTo("2");
      }
    }
  }
  @Test
  void bytesASiteSendsBeyondItsResponseNeverReachTheNextClient() throws Exception {
    try (RawUpstream sloppy = new RawUpstream(socket -> {
      while (RawUpstream.readHead(socket.getInputStream()) != null) { // a script that wrote past its Content-Length
        socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            + "HTTP/1.1 302 Found\r\nLocation: /evil\r\nX: ").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
    })) {
      edge.routes(edge.routes().withSite("sloppy", new Route.Upstream("sloppy", sloppy.address())));
      try (RawHttp first = client()) {
        assertThat(first.get("sloppy.localhost", "/").text()).isEqualTo("ok");
      }
      Thread.sleep(100); // the site's extra bytes are in
      try (RawHttp second = client()) {
        RawHttp.Response r = second.get("sloppy.localhost", "/");
        assertThat(r.status()).as("the next client gets its own answer, not the rest of the last one's").isEqualTo(200);
        assertThat(r.text()).isEqualTo("ok");
      }
    }
  }


  @Test
  void silentUpstreamIsCutOffAfterTheIdleTimeoutWith504() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    EdgeConfig config = new EdgeConfig(EdgeConfig.onPort(0).httpListen(), Duration.ofSeconds(5), Duration.ofMillis(300));
    try (RawUpstream silent = new RawUpstream(socket -> {
        RawUpstream.readHead(socket.getInputStream());
        released.await();
      });
       EdgeServer impatient = EdgeServer.builder(config, RouteTable.empty("localhost")
           .withSite("silent", new Route.Upstream("silent", silent.address()))).build()) {
      impatient.start();
      try (RawHttp client = RawHttp.loopback(impatient.httpPort())) {
        RawHttp.Response response = client.get("silent.localhost", "/");
        assertThat(response.status()).isEqualTo(504);
        assertThat(response.text()).contains("The site silent did not answer in time.");
      } finally {
        released.countDown();
      }
    }
  }

  @Test
  void headIsForwardedAndTheConnectionStaysInStep() throws Exception {
    try (RawHttp client = client()) {
      RawHttp.Response head = client.send("HEAD /big?size=5000 HTTP/1.1\nHost: blog.localhost").read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo("5000");
      // Had any body bytes been sent, this response would not parse.
      assertThat(TestUpstream.parseEcho(client.get("blog.localhost", "/echo/after-head").text()))
          .containsEntry("uri", "/echo/after-head");
    }
  }

  @Test
  void portAlreadyTakenFailsWithTheAddressInTheMessage() throws Exception {
    EdgeConfig config = EdgeConfig.onPort(edge.httpPort());
    String address = io.netty.util.NetUtil.toSocketAddressString(config.httpListen().get(0));
    try (EdgeServer second = EdgeServer.builder(config, RouteTable.empty("localhost")).build()) {
      assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot listen on " + address);
    }
    // the first server is unaffected
    try (RawHttp client = client()) {
      assertThat(client.get("blog.localhost", "/echo").status()).isEqualTo(200);
    }
  }

  @Test
  void closeStopsListeningAndClosesOpenConnections() throws Exception {
    int port = edge.httpPort();
    try (RawHttp client = client()) {
      assertThat(client.get("blog.localhost", "/echo").status()).isEqualTo(200);
      edge.close();
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(IOException.class);
  }

  private static boolean ipv6Loopback() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aRequestWithoutBodyIsSentAgainWhenAKeptAliveUpstreamConnectionClosesUnanswered() throws Exception {
    java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    // Each connection answers one request, then reads the next and closes without answering (keep-alive limit).
    try (RawUpstream forgetful = new RawUpstream(socket -> {
          connections.incrementAndGet();
          var in = socket.getInputStream();
          String head = RawUpstream.readHead(in);
          if (head.contains("Content-Length: 4")) {
            in.readNBytes(4);
          }
          socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          RawUpstream.readHead(in);
        })) {
      edge.routes(edge.routes().withSite("blog", new Route.Upstream("blog", forgetful.address())));
      try (RawHttp client = client()) {
        assertThat(client.get("blog.localhost", "/1").text()).isEqualTo("ok");
        assertThat(client.get("blog.localhost", "/2").text()).as("sent again on a new connection").isEqualTo("ok");
        assertThat(connections.get()).isEqualTo(2);
        // A request with a body is not sent twice (the site may have acted on it): the second connection drops it.
        RawHttp.Response post = client.send("POST /3 HTTP/1.1\nHost: blog.localhost\nContent-Length: 4", "data".getBytes()).read();
        assertThat(post.status()).isEqualTo(502);
        assertThat(connections.get()).isEqualTo(2);
      }
    }
  }

  @Test
  void aKeptAliveUpstreamConnectionTooOldToUseIsDroppedWithoutSpoilingTheNextRequest() throws Exception {
    try (RawHttp client = client()) {
      Map<String, String> first = TestUpstream.parseEcho(client.get("blog.localhost", "/echo/1").text());
      // The connection kept from the first exchange is now too old to be used again: the edge closes it and takes
      // another. Its close must not be taken for the close of the connection the next request goes out on.
      Thread.sleep(IdlePool.MAX_IDLE.toMillis() + 500);
      RawHttp.Response second = client.get("blog.localhost", "/echo/2");
      assertThat(second.status()).as(second.text()).isEqualTo(200);
      assertThat(TestUpstream.parseEcho(second.text())).containsEntry("uri", "/echo/2")
          .doesNotContainEntry("remote-port", first.get("remote-port"));
      assertThat(client.get("blog.localhost", "/echo/3").text()).as("and the client connection serves on").contains("uri: /echo/3");
    }
  }

  @Test
  void anEmptyRequestSentAgainLeavesItsNewConnectionGoodForTheNextRequestAndAnEmptyPostIsNotSentAgain() throws Exception {
    java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    try (RawUpstream forgetful = new RawUpstream(socket -> {
          connections.incrementAndGet();
          var in = socket.getInputStream();
          RawUpstream.readHead(in);
          socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          RawUpstream.readHead(in); // the next request is never answered: the connection closes
        })) {
      edge.routes(edge.routes().withSite("blog", new Route.Upstream("blog", forgetful.address())));
      try (RawHttp client = client()) {
        assertThat(client.get("blog.localhost", "/1").text()).isEqualTo("ok");
        RawHttp.Response empty = client.send("DELETE /2 HTTP/1.1\nHost: blog.localhost\nContent-Length: 0").read();
        assertThat(empty.text()).as("an empty DELETE is sent again, whole, on a new connection").isEqualTo("ok");
        assertThat(client.get("blog.localhost", "/3").text()).as("and that connection takes the next request").isEqualTo("ok");
        assertThat(connections.get()).isEqualTo(3);
        // A POST is not sent twice, even an empty one: the site may have acted on it.
        assertThat(client.send("POST /4 HTTP/1.1\nHost: blog.localhost\nContent-Length: 0").read().status()).isEqualTo(502);
        assertThat(connections.get()).isEqualTo(3);
      }
    }
  }

  @Test
  void aWebSocketUpgradeIsPassedThroughAndBytesFlowBothWays() throws Exception {
    java.util.concurrent.CompletableFuture<String> upstreamHead = new java.util.concurrent.CompletableFuture<>();
    try (RawUpstream ws = new RawUpstream(socket -> {
          var in = socket.getInputStream();
          var out = socket.getOutputStream();
          upstreamHead.complete(RawUpstream.readHead(in));
          // The switch, then a first message from the site right behind it, then an echo of what the client sends.
          out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\nhello from the site\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.flush();
          byte[] buf = new byte[1024];
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            out.flush();
          }
        })) {
      edge.routes(edge.routes().withSite("chat", new Route.Upstream("chat", ws.address())));
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.httpPort())) {
        socket.setSoTimeout(10_000);
        var out = socket.getOutputStream();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
        out.write(("GET /socket HTTP/1.1\r\nHost: chat.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
        java.util.List<String> headers = new java.util.ArrayList<>();
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
          headers.add(line.toLowerCase());
        }
        assertThat(headers).contains("upgrade: websocket", "connection: upgrade", "sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=");
        assertThat(in.readLine()).isEqualTo("hello from the site");
        out.write("ping 1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).isEqualTo("ping 1");
        out.write("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // no longer HTTP: relayed as is
        out.flush();
        assertThat(in.readLine()).isEqualTo("GET / HTTP/1.1");
      }
      assertThat(upstreamHead.get(5, java.util.concurrent.TimeUnit.SECONDS).toLowerCase())
          .contains("upgrade: websocket").contains("connection: upgrade").contains("sec-websocket-key: dghlihnhbxbszsbub25jzq==");
    }
  }

  @Test
  void aSwitchTheClientDidNotAskForIsRefused() throws Exception {
    try (RawUpstream sneaky = new RawUpstream(socket -> {
          RawUpstream.readHead(socket.getInputStream());
          socket.getOutputStream().write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: other\r\nConnection: Upgrade\r\n\r\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          Thread.sleep(500);
        })) {
      edge.routes(edge.routes().withSite("sneaky", new Route.Upstream("sneaky", sneaky.address())));
      try (RawHttp client = client()) {
        assertThat(client.get("sneaky.localhost", "/").status()).isEqualTo(502);
      }
    }
  }

  @Test
  void requestsToASleepingSiteWaitForItToWakeAndAreAllServed() throws Exception {
    java.util.concurrent.atomic.AtomicInteger wakes = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<EdgeServer> self = new java.util.concurrent.atomic.AtomicReference<>();
    Waker waker = site -> {
      wakes.incrementAndGet();
      return java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(300); // the container starting
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        self.get().routes(self.get().routes().withSite(site, new Route.Upstream(site, blog.address())));
      });
    };
    try (EdgeServer sleepy = EdgeServer.builder(EdgeConfig.onPort(0), RouteTable.empty("localhost")
        .withSite("nap", new Route.Sleeping("nap"))).waker(waker).build()) {
      self.set(sleepy);
      sleepy.start();
      java.util.List<java.util.concurrent.Future<RawHttp.Response>> answers = new java.util.ArrayList<>();
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 5; i++) {
          answers.add(pool.submit(() -> {
            try (RawHttp c = RawHttp.loopback(sleepy.httpPort())) {
              return c.get("nap.localhost", "/echo");
            }
          }));
        }
        for (var a : answers) {
          RawHttp.Response r = a.get(10, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(r.status()).as(r.text()).isEqualTo(200);
          assertThat(r.text()).contains("site: blog");
        }
      }
      assertThat(wakes.get()).isBetween(1, 5);
    }
  }

  @Test
  void aSiteThatCannotWakeGets503() throws Exception {
    try (EdgeServer sleepy = EdgeServer.builder(EdgeConfig.onPort(0), RouteTable.empty("localhost")
        .withSite("nap", new Route.Sleeping("nap")))
        .waker(site -> java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no room"))).build()) {
      sleepy.start();
      try (RawHttp c = RawHttp.loopback(sleepy.httpPort())) {
        RawHttp.Response r = c.get("nap.localhost", "/");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text()).contains("The site nap could not be woken up.");
      }
    }
  }

  @Test
  void acmeChallengesAreAnsweredForAnyNameBeforeRouting() throws Exception {
    java.util.Map<String, String> pending = new java.util.concurrent.ConcurrentHashMap<>();
    pending.put("tok-EN_1", "tok-EN_1.thumbprint");
    try (EdgeServer acme = EdgeServer.builder(EdgeConfig.onPort(0), RouteTable.empty("localhost")
        .withSite("shop", new Route.Stopped("shop"))
        .withSite("nap", new Route.Sleeping("nap"))).challenges(pending::get).build()) {
      acme.start();
      try (RawHttp c = RawHttp.loopback(acme.httpPort())) {
        for (String host : java.util.List.of("shop.localhost", "nap.localhost", "localhost", "unknown.localhost")) {
          RawHttp.Response r = c.get(host, "/.well-known/acme-challenge/tok-EN_1");
          assertThat(r.status()).as(host).isEqualTo(200);
          assertThat(r.text()).isEqualTo("tok-EN_1.thumbprint");
          assertThat(r.header("content-type")).isEqualTo("text/plain");
        }
        // An unknown token, or one that is not a token, is routed like any request: the stopped site's page.
        assertThat(c.get("shop.localhost", "/.well-known/acme-challenge/other").status()).isEqualTo(503);
        assertThat(c.get("shop.localhost", "/.well-known/acme-challenge/tok-EN_1/../x").status()).isEqualTo(503);
      }
    }
  }

  @Test
  void theBuilderRefusesHttpsListenersWithoutCertificates() {
    assertThatThrownBy(() -> EdgeServer.builder(EdgeConfig.onPort(0).withHttpsPort(0), RouteTable.empty("localhost")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("certificate");
  }
}
