package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A client's request head, read once and written again for the upstream from its own bytes. */
class ClientRequestTest {

  private static ClientRequest parse(String raw) throws ClientRequest.Refused {
    return ClientRequest.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String head(String raw, boolean tls) throws Exception {
    ClientRequest request = parse(raw);
    ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
    try {
      request.writeUpstream(out, ProxyHeaders.forwardingLines(InetAddress.getByName("192.0.2.7"), "192.0.2.7", tls,
          "blog.example.org", "80"));
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      out.release();
    }
  }

  @Test
  void linesGoAsTheClientSentThemButThoseTheEdgeDropsOrSetsItself() throws Exception {
    assertThat(head("POST /a?b HTTP/1.0\r\nHost: blog.example.org\r\nX-Spaced:   v  \r\nConnection: keep-alive, X-Hop, Content-Length\r\n"
        + "X-Hop: 1\r\nContent-Length: 2\r\nExpect: 100-continue\r\nX-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\n"
        + "Forwarded: for=6.6.6.6\r\nX-Forwarded-Proto: https\r\nTE: trailers\r\n\r\n", false))
        .isEqualTo("POST /a?b HTTP/1.1\r\nHost: blog.example.org\r\nX-Spaced:   v\r\nContent-Length: 2\r\n"
            + "x-forwarded-for: 192.0.2.7\r\nx-forwarded-proto: http\r\nforwarded: for=192.0.2.7;proto=http;host=blog.example.org\r\n"
            + "x-forwarded-host: blog.example.org\r\nx-forwarded-port: 80\r\n\r\n");
  }

  @Test
  void aWebSocketUpgradeKeepsItsUpgrade() throws Exception {
    assertThat(head("GET /ws HTTP/1.1\r\nHost: blog.example.org\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: k\r\n\r\n", true))
        .startsWith("GET /ws HTTP/1.1\r\nHost: blog.example.org\r\nSec-WebSocket-Key: k\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
            + "x-forwarded-for: 192.0.2.7\r\nx-forwarded-proto: https\r\n");
    assertThat(parse("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n").websocket).isTrue();
    assertThat(parse("POST /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n").websocket)
        .as("only a GET switches").isFalse();
    assertThat(parse("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n").websocket).isFalse();
  }

  @Test
  void aChunkedBodyIsChunkedAgainAndALengthBodyGoesAsItIs() {
    ByteBuf part = ClientRequest.upstreamBody(true, Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII), null,
        ByteBufAllocator.DEFAULT);
    assertThat(part.toString(StandardCharsets.US_ASCII)).isEqualTo("5\r\nhello\r\n");
    part.release();
    ByteBuf last = ClientRequest.upstreamBody(true, null, new RequestReader.End("X-Sum: 1\r\n".getBytes(StandardCharsets.US_ASCII)),
        ByteBufAllocator.DEFAULT);
    assertThat(last.toString(StandardCharsets.US_ASCII)).isEqualTo("0\r\nX-Sum: 1\r\n\r\n");
    last.release();
    ByteBuf plain = ClientRequest.upstreamBody(false, Unpooled.copiedBuffer("xyz", StandardCharsets.US_ASCII), null,
        ByteBufAllocator.DEFAULT);
    assertThat(plain.toString(StandardCharsets.US_ASCII)).isEqualTo("xyz");
    plain.release();
  }

  @Test
  void whatTheEdgeNeedsIsReadOnce() throws Exception {
    ClientRequest r = parse("GET /p?q=1 HTTP/1.1\r\nhost: Blog.localhost\r\nUser-Agent: curl/8\r\nReferer: http://r/\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(r.method).isEqualTo("GET");
    assertThat(r.uri).isEqualTo("/p?q=1");
    assertThat(r.http11).isTrue();
    assertThat(r.host()).isEqualTo("Blog.localhost");
    assertThat(r.keepAlive).isFalse();
    assertThat(r.hasBody()).isFalse();
    assertThat(r.logEntry("192.0.2.1", 0, 200, 5).line())
        .isEqualTo("192.0.2.1 - - [01/Jan/1970:00:00:00 +0000] \"GET /p?q=1 HTTP/1.1\" 200 5 \"http://r/\" \"curl/8\"");
    assertThat(parse("GET /\u00e9\"x HTTP/1.1\r\nHost: a\r\nUser-Agent: a\u00ffb\r\n\r\n").logEntry(null, 0, 404, 0).line())
        .as("escaped as Apache does").isEqualTo("- - - [01/Jan/1970:00:00:00 +0000] \"GET /\\xe9\\\"x HTTP/1.1\" 404 - \"-\" \"a\\xffb\"");
    assertThat(parse("GET / HTTP/1.0\r\n\r\n").keepAlive).isFalse();
    assertThat(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive).isTrue();
    ClientRequest post = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\nExpect: 100-Continue\r\n\r\n");
    assertThat(post.contentLength).isEqualTo(7);
    assertThat(post.hasBody()).isTrue();
    assertThat(post.expectsContinue).isTrue();
    ClientRequest chunked = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  Chunked \r\n\r\n");
    assertThat(chunked.chunked).isTrue();
    assertThat(chunked.unframed()).isFalse();
    assertThat(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").unframed())
        .as("a coding the edge does not take: refused by the route decision").isTrue();
    assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").hosts).containsExactly("a", "b");
    assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n").folded).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "CL and TE: POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
      "two lengths: POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
      "a list of lengths: POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n",
      "signed length: POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
      "empty length: POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n",
      "TE in HTTP/1.0: POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
      "space before the colon: GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n",
      "no name: GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n",
      "no colon: GET / HTTP/1.1\r\nHost: a\r\nX-A b\r\n\r\n",
      "control character in a value: GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0001b\r\n\r\n",
      "a lone CR in a value: GET / HTTP/1.1\r\nHost: a\r\nX-A: a\rX-B: b\r\n\r\n",
      "DEL in a value: GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u007fb\r\n\r\n",
      "control character in a name: GET / HTTP/1.1\r\nHost: a\r\nX\u0001A: b\r\n\r\n",
      "two spaces in the request line: GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
      "space in the target: GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
      "no version: GET /\r\nHost: a\r\n\r\n",
      "lower-case version: GET / http/1.1\r\nHost: a\r\n\r\n",
      "separator in the method: G(T / HTTP/1.1\r\nHost: a\r\n\r\n"})
  void whatCouldBeReadTwoWaysIsRefusedWith400(String testCase) {
    String raw = testCase.substring(testCase.indexOf(": ") + 2);
    assertThatThrownBy(() -> parse(raw)).isInstanceOfSatisfying(ClientRequest.Refused.class, e -> assertThat(e.status).isEqualTo(400));
  }

  @Test
  void anotherHttpVersionIs505() {
    assertThatThrownBy(() -> parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n"))
        .isInstanceOfSatisfying(ClientRequest.Refused.class, e -> assertThat(e.status).isEqualTo(505));
  }
}
