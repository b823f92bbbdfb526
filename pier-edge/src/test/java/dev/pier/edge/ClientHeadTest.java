package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response head the client gets: the upstream's lines, changed only where the edge must change them. */
class ClientHeadTest {

  private static UpstreamHead head(String text) {
    ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    try {
      return UpstreamHead.parse(bytes, 0, bytes.writerIndex());
    } finally {
      bytes.release();
    }
  }

  private static Exchange exchange(HttpMethod method, HttpVersion version, String connection) {
    String head = method + " / " + version + "\r\nhost: blog.localhost\r\n" + (connection == null ? "" : "connection: " + connection + "\r\n")
        + "\r\n";
    try {
      return Exchange.of(ClientRequest.parse(head.getBytes(StandardCharsets.ISO_8859_1)));
    } catch (ClientRequest.Refused e) {
      throw new AssertionError(e);
    }
  }

  private static String bytes(UpstreamHead head, Exchange ex, boolean tls) {
    ByteBuf out = ClientHead.bytes(head, ex, tls, ByteBufAllocator.DEFAULT);
    try {
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      out.release();
    }
  }

  @Test
  void hopByHopHeadersAndThoseConnectionNamesGoTheRestStaysAsItCame() {
    Exchange ex = exchange(HttpMethod.GET, HttpVersion.HTTP_1_1, null);
    String out = bytes(head("HTTP/1.0 200 Fine\r\nContent-Type: text/plain\r\nConnection: keep-alive, X-Secret, Content-Length\r\n"
        + "X-Secret: 1\r\nKeep-Alive: timeout=5\r\nUpgrade: h2c\r\nContent-Length:  3 \r\nX-Other:a\r\n\r\n"), ex, false);
    assertThat(out).isEqualTo("HTTP/1.1 200 Fine\r\nContent-Type: text/plain\r\nContent-Length:  3\r\nX-Other:a\r\n"
        + "connection: keep-alive\r\n\r\n");
    assertThat(ex.keepAlive).isTrue();
    assertThat(ex.upstreamKeepAlive).isTrue();
    assertThat(ex.responseStarted).isTrue();
  }

  @Test
  void withoutALengthTheClientConnectionCloses() {
    Exchange ex = exchange(HttpMethod.GET, HttpVersion.HTTP_1_1, null);
    assertThat(bytes(head("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), ex, false))
        .isEqualTo("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n");
    assertThat(ex.keepAlive).isFalse();
    assertThat(ex.upstreamKeepAlive).isFalse();
    Exchange head = exchange(HttpMethod.HEAD, HttpVersion.HTTP_1_1, null);
    assertThat(bytes(head("HTTP/1.1 200 OK\r\n\r\n"), head, false)).endsWith("connection: keep-alive\r\n\r\n");
  }

  @Test
  void aChunkedBodyGoesToAnHttp10ClientWithoutTransferEncodingAndTheConnectionCloses() {
    Exchange old = exchange(HttpMethod.GET, HttpVersion.HTTP_1_0, "keep-alive");
    assertThat(bytes(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n"), old, false))
        .isEqualTo("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n");
    Exchange current = exchange(HttpMethod.GET, HttpVersion.HTTP_1_1, null);
    assertThat(bytes(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n"), current, false))
        .isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nconnection: keep-alive\r\n\r\n");
  }

  @Test
  void hstsOverHttpsForSitesThatWantItInPlaceOfTheSitesOwn() {
    Exchange ex = exchange(HttpMethod.GET, HttpVersion.HTTP_1_1, null);
    ex.policy = new Route.Policy(false, true, 10);
    assertThat(bytes(head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nstrict-transport-security: max-age=1\r\n\r\n"), ex, true))
        .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nconnection: keep-alive\r\nStrict-Transport-Security: max-age=31536000\r\n\r\n");
    Exchange plain = exchange(HttpMethod.GET, HttpVersion.HTTP_1_1, null);
    plain.policy = ex.policy;
    assertThat(bytes(head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), plain, false)).doesNotContain("Strict");
  }

  @Test
  void noContentSaysNothingOfABodyAndResetContentSaysItHasNone() {
    Exchange ex = exchange(HttpMethod.GET, HttpVersion.HTTP_1_1, null);
    assertThat(bytes(head("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nX: y\r\n\r\n"), ex, false))
        .isEqualTo("HTTP/1.1 204 No Content\r\nX: y\r\nconnection: keep-alive\r\n\r\n");
    Exchange reset = exchange(HttpMethod.POST, HttpVersion.HTTP_1_1, null);
    assertThat(bytes(head("HTTP/1.1 205 Reset Content\r\nTransfer-Encoding: chunked\r\n\r\n"), reset, false))
        .isEqualTo("HTTP/1.1 205 Reset Content\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n");
    assertThat(reset.discardBody).isTrue();
  }

  @Test
  void theAnswerToAWebSocketUpgradeSetsConnectionAndUpgrade() {
    UpstreamHead head = head("HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: abc\r\n\r\n");
    ByteBuf out = ClientHead.switching(head, ByteBufAllocator.DEFAULT);
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(
        "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: abc\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n");
    out.release();
  }

  @Test
  void forHttp2TheHeadBecomesAResponseWithTheSameChanges() {
    Exchange ex = exchange(HttpMethod.GET, HttpVersion.HTTP_1_1, null);
    UpstreamHead head = head("HTTP/1.1 404 Gone Fishing\r\nContent-Length: 3\r\nKeep-Alive: x\r\nX-A: b\r\n\r\n");
    var response = ClientHead.object(head, ex, false);
    assertThat(response.status().code()).isEqualTo(404);
    assertThat(response.status().reasonPhrase()).isEqualTo("Gone Fishing");
    assertThat(response.headers().get("x-a")).isEqualTo("b");
    assertThat(response.headers().contains("keep-alive")).isFalse();
    assertThat(response.headers().get("content-length")).isEqualTo("3");
  }
}
