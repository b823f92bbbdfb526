package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Responses go to the client as the upstream sent them but for what the edge must change, end to end. */
class ResponseForwardingTest {

  private RawUpstream upstream;
  private EdgeServer edge;

  @AfterEach
  void stop() throws Exception {
    if (edge != null) {
      edge.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** An edge in front of an upstream that answers every request with {@code response}. */
  private void answerWith(String response) throws Exception {
    upstream = new RawUpstream(socket -> {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (RawUpstream.readHead(in) != null) {
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    });
    edge = EdgeServer.builder(EdgeConfig.onPort(0), new RouteTable("localhost", upstream.address(),
        Map.of("blog", new Route.Upstream("blog", upstream.address())))).build();
    edge.start();
  }

  @Test
  void headersComeAsTheySpelledThemButHopByHopOnesAndThoseConnectionNames() throws Exception {
    answerWith("HTTP/1.1 200 OK\r\nX-CamelCase: Some  Value\r\nConnection: X-Private\r\nX-Private: secret\r\n"
        + "Keep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok");
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      for (int i = 0; i < 2; i++) { // and the connection stays in step
        RawHttp.Response r = client.get("blog.localhost", "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("ok");
        assertThat(r.header("x-camelcase")).isEqualTo("Some  Value");
        assertThat(r.headers()).doesNotContainKeys("x-private", "keep-alive");
        assertThat(r.header("connection")).isEqualTo("keep-alive");
      }
    }
  }

  /**
   * The cookie bomb: a site setting cookies for the whole domain (the panel's and every other site's) with big
   * values would make every later request of that browser to any of them too large. Its cookies stay its own.
   */
  @Test
  void aSitesCookiesLoseTheirDomainSoTheyReachNoOtherHost() throws Exception {
    String bomb = "x".repeat(4000);
    answerWith("HTTP/1.1 200 OK\r\nSet-Cookie: a=" + bomb + "; Domain=localhost; Path=/\r\nSet-Cookie: b=1;domain=.LOCALHOST\r\n"
        + "Set-Cookie: own=1; Secure; HttpOnly\r\nContent-Length: 2\r\n\r\nok");
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      RawHttp.Response r = client.get("blog.localhost", "/");
      assertThat(r.text()).isEqualTo("ok");
      assertThat(r.headers().get("set-cookie")).containsExactly("a=" + bomb + "; Path=/", "b=1", "own=1; Secure; HttpOnly");
    }
  }

  @Test
  void aChunkedBodyGoesAsItCameToHttp11AndAsBareDataToHttp10() throws Exception {
    answerWith("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      RawHttp.Response r = client.get("blog.localhost", "/");
      assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
      assertThat(r.text()).isEqualTo("hello world");
      assertThat(client.get("blog.localhost", "/again").text()).isEqualTo("hello world");
    }
    try (RawHttp old = RawHttp.loopback(edge.httpPort())) {
      RawHttp.Response r = old.send("GET / HTTP/1.0\nHost: blog.localhost\nConnection: keep-alive").read();
      assertThat(r.headers()).doesNotContainKey("transfer-encoding");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(r.text()).isEqualTo("hello world"); // read until the edge closed the connection
    }
  }

  @Test
  void interimResponsesAreNotPassedOn() throws Exception {
    answerWith("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      RawHttp.Response r = client.get("blog.localhost", "/");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("x");
      assertThat(client.get("blog.localhost", "/").text()).isEqualTo("x");
    }
  }

  @Test
  void aResponseTheEdgeCannotReadIs502() throws Exception {
    answerWith("HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 1\r\n\r\nx");
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      RawHttp.Response r = client.get("blog.localhost", "/");
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.text()).contains("The site blog is not answering.");
    }
  }

  @Test
  void theRequestGoesUpstreamAsTheClientSentItButForWhatTheEdgeChanges() throws Exception {
    java.util.concurrent.BlockingQueue<String> heads = new java.util.concurrent.LinkedBlockingQueue<>();
    upstream = new RawUpstream(socket -> {
      InputStream in = socket.getInputStream();
      for (String head; (head = RawUpstream.readHead(in)) != null; ) {
        heads.add(head);
        socket.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
    });
    edge = EdgeServer.builder(EdgeConfig.onPort(0), new RouteTable("localhost", upstream.address(),
        Map.of("blog", new Route.Upstream("blog", upstream.address())))).build();
    edge.start();
    try (RawHttp client = RawHttp.loopback(edge.httpPort())) {
      assertThat(client.send("GET /x HTTP/1.0\nHost: blog.localhost\nX-Spaced:   v\nConnection: keep-alive, X-Hop\nX-Hop: 1").read().status())
          .isEqualTo(204);
    }
    String head = heads.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(head).startsWith("GET /x HTTP/1.1").contains("X-Spaced:   v").contains("x-forwarded-port: ")
        .doesNotContain("X-Hop").doesNotContainIgnoringCase("connection");
  }
}
