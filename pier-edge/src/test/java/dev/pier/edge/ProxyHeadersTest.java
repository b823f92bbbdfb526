package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

  @Test
  void requestLosesHopByHopHeadersAndGainsForwardedHeaders() throws Exception {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, "/x");
    request.headers()
        .add("Host", "Blog.Example.org:8080")
        .add("Connection", "keep-alive, X-Secret, Content-Length, Transfer-Encoding")
        .add("X-Secret", "1")
        .add("Keep-Alive", "timeout=5")
        .add("Proxy-Connection", "keep-alive")
        .add("TE", "trailers")
        .add("Trailer", "X-T")
        .add("Upgrade", "websocket")
        .add("Expect", "100-continue")
        .add("Content-Length", "3")
        .add("X-Forwarded-For", "203.0.113.9")
        .add("X-Forwarded-For", "198.51.100.7")
        .add("X-Forwarded-Proto", "https")
        .add("Forwarded", "for=203.0.113.9;proto=https")
        .add("X-Forwarded-Prefix", "/evil");

    forUpstream(request, InetAddress.getByName("::1"), 80);

    HttpHeaders h = request.headers();
    assertThat(request.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(h.names()).map(String::toLowerCase)
        .doesNotContain("connection", "x-secret", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect",
            "x-forwarded-prefix");
    assertThat(h.get("Content-Length")).as("framing headers survive Connection tokens").isEqualTo("3");
    assertThat(h.get("Host")).isEqualTo("Blog.Example.org:8080");
    assertThat(h.getAll("X-Forwarded-For")).as("what the client claimed is dropped").containsExactly("::1");
    assertThat(h.get("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(h.get("X-Forwarded-Host")).isEqualTo("Blog.Example.org:8080");
    assertThat(h.get("X-Forwarded-Port")).isEqualTo("80");
    assertThat(h.getAll("Forwarded")).as("the client's own Forwarded is replaced by the edge's")
        .containsExactly("for=\"[::1]\";proto=http;host=\"Blog.Example.org:8080\"");
  }

  /**
   * What the upstream gets of {@code request} from a client at {@code client} on the edge's {@code port}, put back into
   * {@code request}: the request as bytes, read ({@link ClientRequest#parse}) and written again for the upstream, then
   * decoded by Netty.
   */
  private static void forUpstream(HttpRequest request, InetAddress client, int port) throws Exception {
    StringBuilder raw = new StringBuilder(request.method() + " " + request.uri() + " " + request.protocolVersion() + "\r\n");
    request.headers().forEach(h -> raw.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
    ClientRequest parsed = ClientRequest.parse(raw.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    ByteBuf out = Unpooled.buffer();
    parsed.writeUpstream(out, ProxyHeaders.forwardingLines(client, NetUtil.toAddressString(client), false, parsed.host(),
        Integer.toString(port)));
    EmbeddedChannel decoder = new EmbeddedChannel(new HttpRequestDecoder());
    decoder.writeInbound(out);
    HttpRequest upstream = decoder.readInbound();
    decoder.finishAndReleaseAll();
    request.setProtocolVersion(upstream.protocolVersion());
    request.headers().set(upstream.headers());
  }

  @Test
  void ipv4ClientIsWrittenPlainly() throws Exception {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    forUpstream(request, InetAddress.getByName("127.0.0.1"), 8080);
    assertThat(request.headers().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(request.headers().contains("X-Forwarded-Host")).isFalse();
  }

  @Test
  void responseKeepsClientAliveOnlyWhenTheBodyIsDelimited() {
    HttpResponse sized = response("Content-Length", "10");
    sized.headers().add("Connection", "close, X-Internal").add("X-Internal", "1").add("Keep-Alive", "timeout=1");
    assertThat(ProxyHeaders.forClient(sized, true, HttpVersion.HTTP_1_1, false)).isTrue();
    assertThat(sized.headers().get("Connection")).isEqualTo("keep-alive");
    assertThat(sized.headers().contains("X-Internal")).isFalse();
    assertThat(sized.headers().contains("Keep-Alive")).isFalse();

    HttpResponse unsized = response("Content-Type", "text/plain");
    assertThat(ProxyHeaders.forClient(unsized, true, HttpVersion.HTTP_1_1, false)).isFalse();
    assertThat(unsized.headers().get("Connection")).isEqualTo("close");

    HttpResponse unsizedHead = response("Content-Type", "text/plain");
    assertThat(ProxyHeaders.forClient(unsizedHead, true, HttpVersion.HTTP_1_1, true)).isTrue();

    HttpResponse chunkedFor10 = response("Transfer-Encoding", "chunked");
    assertThat(ProxyHeaders.forClient(chunkedFor10, true, HttpVersion.HTTP_1_0, false)).isFalse();
    assertThat(chunkedFor10.headers().contains("Transfer-Encoding")).isFalse();

    HttpResponse chunked = response("Transfer-Encoding", "chunked");
    assertThat(ProxyHeaders.forClient(chunked, false, HttpVersion.HTTP_1_1, false)).isFalse();
    assertThat(chunked.headers().get("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(chunked.headers().get("Connection")).isEqualTo("close");
  }

  private static HttpResponse response(String name, String value) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
    response.headers().add(name, value);
    return response;
  }

  @Test
  void forwardedNamesTheClientTheSchemeAndTheHostWithIpv6InBrackets() throws Exception {
    assertThat(ProxyHeaders.forwarded(java.net.InetAddress.getByName("192.0.2.7"), true, "blog.example.org"))
        .isEqualTo("for=192.0.2.7;proto=https;host=blog.example.org");
    assertThat(ProxyHeaders.forwarded(java.net.InetAddress.getByName("2001:db8::1"), false, "blog.example.org:8080"))
        .isEqualTo("for=\"[2001:db8::1]\";proto=http;host=\"blog.example.org:8080\"");
    assertThat(ProxyHeaders.forwarded(null, false, "a;b")).isEqualTo("proto=http");
  }

  @Test
  void accessLogLinesAreCombinedFormatAndCannotBeForged() {
    java.time.ZonedDateTime at = java.time.ZonedDateTime.of(2026, 11, 25, 23, 59, 1, 0, java.time.ZoneOffset.UTC);
    assertThat(AccessLog.combined("2001:db8::1", at, "GET /a HTTP/1.1", 200, 1234, null, "curl/8.5"))
        .isEqualTo("2001:db8::1 - - [25/Nov/2026:23:59:01 +0000] \"GET /a HTTP/1.1\" 200 1234 \"-\" \"curl/8.5\"");
    assertThat(AccessLog.combined("192.0.2.1", at, "GET / HTTP/1.1", 304, 0, "https://x/\"", "evil\n192.0.2.9 - - [x] \"GET /admin"))
        .doesNotContain("\n").contains("\"https://x/\\\"\"").contains("evil\\x0a192.0.2.9").contains(" 304 - ");
  }
}
