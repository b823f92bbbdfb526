package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pages the edge answers by itself, driven through the real client pipeline on an EmbeddedChannel. */
class FrontendHandlerTest {

  /** A response as the client sees it on the wire; header names lower case. */
  record Wire(String statusLine, Map<String, String> headers, String body) {
  }

  private RouteTable routes = RouteTable.empty("localhost")
      .withSite("shop", new Route.Stopped("shop"));
  private EmbeddedChannel channel;

  private EmbeddedChannel channel() throws Exception {
    UpstreamConnector connector = new UpstreamConnector(Duration.ofSeconds(1), Duration.ofSeconds(1));
    channel = new EmbeddedChannel(false, false, new FrontendInitializer(Shared.of(() -> routes, connector, EdgeConfig.onPort(0)), null));
    channel.config().setAutoRead(false);
    channel.register();
    return channel;
  }

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private void send(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request.replace("\n", "\r\n"), StandardCharsets.ISO_8859_1));
  }

  private List<Wire> responses() {
    StringBuilder raw = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; buf.release()) {
      raw.append(buf.toString(StandardCharsets.UTF_8));
    }
    List<Wire> out = new ArrayList<>();
    String rest = raw.toString();
    while (!rest.isEmpty()) {
      int end = rest.indexOf("\r\n\r\n");
      String[] lines = rest.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] tail = rest.substring(end + 4).getBytes(StandardCharsets.UTF_8);
      String body = new String(tail, 0, Math.min(length, tail.length), StandardCharsets.UTF_8);
      out.add(new Wire(lines[0], headers, body));
      rest = new String(tail, Math.min(length, tail.length), tail.length - Math.min(length, tail.length), StandardCharsets.UTF_8);
    }
    return out;
  }

  private Wire onlyResponse() {
    List<Wire> all = responses();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  void unknownHostGets404Page() throws Exception {
    channel();
    send("GET / HTTP/1.1\nHost: Wiki.LOCALHOST:8080\n\n");
    Wire response = onlyResponse();
    assertThat(response.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
    assertThat(response.headers()).containsEntry("content-type", "text/html; charset=utf-8")
        .containsEntry("connection", "keep-alive");
    assertThat(response.body()).contains("No site at wiki.localhost.").startsWith("<!DOCTYPE html>");
    assertThat(Integer.parseInt(response.headers().get("content-length")))
        .isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aHeadRequestGetsThePagesHeadWithoutItsBodyAndTheConnectionStaysInStep() throws Exception {
    channel();
    send("HEAD / HTTP/1.1\nHost: wiki.localhost\n\nGET / HTTP/1.1\nHost: shop.localhost\n\n");
    StringBuilder raw = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; buf.release()) {
      raw.append(buf.toString(StandardCharsets.UTF_8));
    }
    String[] answers = raw.toString().split("(?=HTTP/1.1 )");
    assertThat(answers).hasSize(2);
    assertThat(answers[0]).startsWith("HTTP/1.1 404 Not Found").endsWith("\r\n\r\n").contains("content-length: ");
    assertThat(answers[1]).startsWith("HTTP/1.1 503 Service Unavailable").contains("The site shop is stopped.");
  }

  @Test
  void stoppedSiteGets503PageWithRetryAfter() throws Exception {
    channel();
    send("GET /cart HTTP/1.1\nHost: shop.localhost\n\n");
    Wire response = onlyResponse();
    assertThat(response.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
    assertThat(response.headers()).containsEntry("retry-after", "30").containsEntry("content-type", "text/html; charset=utf-8");
    assertThat(response.body()).contains("The site shop is stopped.");
  }

  @Test
  void missingHostOnHttp11Is400() throws Exception {
    channel();
    send("GET / HTTP/1.1\nAccept: */*\n\n");
    Wire response = onlyResponse();
    assertThat(response.statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
    assertThat(response.body()).contains("no Host header");
  }

  @Test
  void http10WithoutHostIsRoutedAndThenClosed() throws Exception {
    channel();
    send("GET / HTTP/1.0\n\n");
    Wire response = onlyResponse();
    assertThat(response.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
    assertThat(response.body()).contains("No site at this address.");
    assertThat(response.headers()).containsEntry("connection", "close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void hostTextIsHtmlEscaped() throws Exception {
    channel();
    send("GET / HTTP/1.1\nHost: <b>x&y\"'.localhost\n\n");
    Wire response = onlyResponse();
    assertThat(response.body()).contains("No site at &lt;b&gt;x&amp;y&quot;&#39;.localhost.").doesNotContain("<b>");
  }

  @Test
  void keepAliveServesRequestsOneAfterAnotherEvenWhenPipelined() throws Exception {
    channel();
    send("GET /a HTTP/1.1\nHost: nope.localhost\n\nPOST /b HTTP/1.1\nHost: shop.localhost\nContent-Length: 5\n\nhello"
        + "GET /c HTTP/1.1\nHost: localhost\n\n");
    List<Wire> all = responses();
    assertThat(all).extracting(Wire::statusLine)
        .containsExactly("HTTP/1.1 404 Not Found", "HTTP/1.1 503 Service Unavailable", "HTTP/1.1 404 Not Found");
    assertThat(all.get(2).body()).contains("No site at localhost.");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    channel();
    send("GET / HTTP/1.1\nHost: nope.localhost\nConnection: close\n\n");
    assertThat(onlyResponse().headers()).containsEntry("connection", "close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void headGetsHeadersButNoBody() throws Exception {
    channel();
    send("HEAD / HTTP/1.1\nHost: nope.localhost\n\nGET / HTTP/1.1\nHost: shop.localhost\n\n");
    StringBuilder raw = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; buf.release()) {
      raw.append(buf.toString(StandardCharsets.UTF_8));
    }
    // The HEAD answer announces the page's length but sends no body: the next response follows directly.
    assertThat(raw.toString()).startsWith("HTTP/1.1 404 Not Found\r\n").contains("content-length: ")
        .containsPattern("\r\n\r\nHTTP/1.1 503 Service Unavailable\r\n");
    assertThat(raw.toString().split("<!DOCTYPE html>", -1)).hasSize(2);
  }

  @Test
  void oversizedHeadersGet431AndClose() throws Exception {
    channel();
    send("GET / HTTP/1.1\nHost: nope.localhost\nX-Big: " + "a".repeat(20_000) + "\n\n");
    Wire response = onlyResponse();
    assertThat(response.statusLine()).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void routeTableInForceWhenTheHeadArrivesDecides() throws Exception {
    channel();
    send("GET / HTTP/1.1\nHost: wiki.localhost\n\n");
    routes = routes.withSite("wiki", new Route.Stopped("wiki"));
    send("GET / HTTP/1.1\nHost: wiki.localhost\n\n");
    assertThat(responses()).extracting(Wire::statusLine)
        .containsExactly("HTTP/1.1 404 Not Found", "HTTP/1.1 503 Service Unavailable");
  }

  @Test
  void idleConnectionIsClosed() throws Exception {
    channel();
    send("GET / HTTP/1.1\nHost: nope.localhost\n\n");
    responses();
    assertThat(channel.isOpen()).isTrue();
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void expectContinueAnsweredLocallyClosesTheConnection() throws Exception {
    channel();
    send("POST /upload HTTP/1.1\nHost: shop.localhost\nContent-Length: 100\nExpect: 100-continue\n\n");
    Wire response = onlyResponse();
    assertThat(response.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
    assertThat(response.headers()).containsEntry("connection", "close");
    assertThat(channel.isOpen()).isFalse();
  }
}
