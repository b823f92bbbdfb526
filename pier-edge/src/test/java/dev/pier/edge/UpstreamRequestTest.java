package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request head for the upstream, made from the client's bytes. */
class UpstreamRequestTest {

  /** The request Netty's decoder makes of {@code raw}. */
  private static io.netty.handler.codec.http.HttpRequest decoded(String raw) {
    io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel(new io.netty.handler.codec.http.HttpRequestDecoder());
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    io.netty.handler.codec.http.HttpRequest request = ch.readInbound();
    ch.finishAndReleaseAll();
    return request;
  }

  private static String head(String raw, boolean websocket, boolean tls) throws Exception {
    return head(raw, decoded(raw), websocket, tls);
  }

  private static String head(String raw, io.netty.handler.codec.http.HttpRequest decoded, boolean websocket, boolean tls) throws Exception {
    ByteBuf out = UpstreamRequest.head(raw.getBytes(StandardCharsets.ISO_8859_1), decoded, ByteBufAllocator.DEFAULT, websocket,
        InetAddress.getByName("192.0.2.7"), "192.0.2.7", tls, "blog.example.org", "80");
    if (out == null) {
      return null;
    }
    try {
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      out.release();
    }
  }

  @Test
  void linesGoAsTheClientSentThemButThoseTheEdgeDropsOrSetsItself() throws Exception {
    assertThat(head("POST /a?b HTTP/1.0\r\nHost: blog.example.org\r\nX-Spaced:   v  \r\nConnection: keep-alive, X-Hop, Content-Length\r\n"
        + "X-Hop: 1\r\nContent-Length: 2\r\nExpect: 100-continue\r\nX-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\n"
        + "Forwarded: for=6.6.6.6\r\nX-Forwarded-Proto: https\r\nTE: trailers\r\n\r\n", false, false))
        .isEqualTo("POST /a?b HTTP/1.1\r\nHost: blog.example.org\r\nX-Spaced:   v\r\nContent-Length: 2\r\n"
            + "x-forwarded-for: 192.0.2.7\r\nx-forwarded-proto: http\r\nforwarded: for=192.0.2.7;proto=http;host=blog.example.org\r\n"
            + "x-forwarded-host: blog.example.org\r\nx-forwarded-port: 80\r\n\r\n");
  }

  @Test
  void aWebSocketUpgradeKeepsItsUpgrade() throws Exception {
    assertThat(head("GET /ws HTTP/1.1\r\nHost: blog.example.org\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: k\r\n\r\n", true, true))
        .startsWith("GET /ws HTTP/1.1\r\nHost: blog.example.org\r\nSec-WebSocket-Key: k\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
            + "x-forwarded-for: 192.0.2.7\r\nx-forwarded-proto: https\r\n");
  }

  @Test
  void aChunkedBodyIsChunkedAgainAndALengthBodyGoesAsItIs() {
    ByteBuf part = UpstreamRequest.body(new DefaultHttpContent(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)), true,
        ByteBufAllocator.DEFAULT);
    assertThat(part.toString(StandardCharsets.US_ASCII)).isEqualTo("5\r\nhello\r\n");
    part.release();
    DefaultLastHttpContent end = new DefaultLastHttpContent(Unpooled.copiedBuffer("abcdefghijklmnopq", StandardCharsets.US_ASCII));
    end.trailingHeaders().add("X-Sum", "1");
    ByteBuf last = UpstreamRequest.body(end, true, ByteBufAllocator.DEFAULT);
    assertThat(last.toString(StandardCharsets.US_ASCII)).isEqualTo("11\r\nabcdefghijklmnopq\r\n0\r\nX-Sum: 1\r\n\r\n");
    last.release();
    ByteBuf plain = UpstreamRequest.body(new DefaultHttpContent(Unpooled.copiedBuffer("xyz", StandardCharsets.US_ASCII)), false,
        ByteBufAllocator.DEFAULT);
    assertThat(plain.toString(StandardCharsets.US_ASCII)).isEqualTo("xyz");
    plain.release();
  }

  @Test
  void bytesThatAreNotTheDecodedHeadAreLeftForTheDecodedRequest() throws Exception {
    io.netty.handler.codec.http.HttpRequest get = decoded("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\n");
    assertThat(head("GARBAGE", get, false, false)).isNull();
    assertThat(head("GET /other HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\n", get, false, false)).as("target").isNull();
    assertThat(head("GET / HTTP/1.1\r\nHost: a\r\nX-A: 2\r\n\r\n", get, false, false)).as("value").isNull();
    assertThat(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", get, false, false)).as("a line fewer").isNull();
    assertThat(head("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nContent-Length: 5\r\n\r\n", get, false, false))
        .as("a line more").isNull();
    assertThat(head("GET / HTTP/1.1\r\nHost: a\r\nX-A:  1 \r\n\r\n", get, false, false)).as("blanks are not content")
        .startsWith("GET / HTTP/1.1\r\nHost: a\r\nX-A:  1\r\n");
  }
}
