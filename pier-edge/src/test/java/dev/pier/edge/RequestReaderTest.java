package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests read from a connection's bytes however they are cut, one part at a time. */
class RequestReaderTest {

  private final RequestReader reader = new RequestReader(ByteBufAllocator.DEFAULT);

  @AfterEach
  void release() {
    reader.release();
  }

  private void add(String bytes) {
    reader.add(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
  }

  /** Every part there is now, as text: "head METHOD URI", the data, "end", "end TRAILERS" or "refused STATUS". */
  private List<String> parts() {
    List<String> out = new ArrayList<>();
    for (Object part; (part = reader.next()) != null; ) {
      out.add(switch (part) {
        case ClientRequest r -> "head " + r.method + " " + r.uri;
        case ByteBuf data -> {
          String s = data.toString(StandardCharsets.ISO_8859_1);
          data.release();
          yield s;
        }
        case RequestReader.End e -> e.trailers().length == 0 ? "end" : "end " + new String(e.trailers(), StandardCharsets.ISO_8859_1);
        case RequestReader.Refused r -> "refused " + r.status();
        default -> throw new AssertionError(part);
      });
    }
    return out;
  }

  @Test
  void aHeadSentByteByByteComesWholeWithItsBlankLine() {
    String head = "GET /a HTTP/1.1\r\nHost: blog.localhost\r\n\r\n";
    for (int i = 0; i < head.length() - 1; i++) {
      add(head.substring(i, i + 1));
      assertThat(reader.next()).isNull();
      assertThat(reader.inHead()).isTrue();
    }
    add("\n");
    assertThat(parts()).containsExactly("head GET /a");
    assertThat(reader.inHead()).isFalse();
  }

  @Test
  void pipelinedRequestsComeOneAfterAnotherWithTheirBodies() {
    add("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: h\r\n\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(parts()).containsExactly("head POST /a", "hello", "end", "head GET /b", "head GET /c");
  }

  @Test
  void aBodyComesAsItsBytesArriveAndEndsAtItsLength() {
    add("PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhel");
    assertThat(parts()).containsExactly("head PUT /f", "hel");
    add("lo wor");
    assertThat(parts()).containsExactly("lo wor");
    add("ldGET");
    assertThat(parts()).containsExactly("ld", "end");
    add(" / HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(parts()).containsExactly("head GET /");
  }

  @Test
  void aChunkedBodyComesWithoutItsFramingAndWithItsTrailers() {
    add("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=\"x\"\r\nhello\r\n6\r\n wor");
    assertThat(parts()).containsExactly("head POST /c", "hello", " wor");
    add("ld\r\n0\r\nX-Sum: 1\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(parts()).containsExactly("ld", "end X-Sum: 1\r\n", "head GET /");
  }

  @Test
  void linesTooLongAreRefusedBeforeTheyEnd() {
    add("GET /" + "a".repeat(RequestReader.MAX_LINE + 10));
    assertThat(parts()).containsExactly("refused 414");
    RequestReader headers = new RequestReader(ByteBufAllocator.DEFAULT);
    headers.add(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nX-Big: " + "b".repeat(RequestReader.MAX_HEADERS + 10), StandardCharsets.US_ASCII));
    assertThat(headers.next()).isEqualTo(new RequestReader.Refused(431, "The request's headers are too large."));
    headers.release();
  }

  @Test
  void aFewBlankLinesBetweenRequestsArePassedOverButNotEndlessly() {
    add("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok\r\n");
    assertThat(parts()).containsExactly("head POST /a", "ok", "end");
    add("\r\n");
    add("GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(parts()).containsExactly("head GET /b");
    for (int i = 0; i < 4; i++) {
      add("\r\n"); // a client that would keep its connection open without ever sending a request
      assertThat(parts()).isEmpty();
    }
    add("\r\n");
    assertThat(parts()).containsExactly("refused 400");
  }

  @Test
  void aBareLineFeedIsRefusedAndNothingMoreIsRead() {
    add("GET / HTTP/1.1\nHost: h\r\n\r\n");
    assertThat(parts()).containsExactly("refused 400");
    add("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(parts()).isEmpty();
  }

  @Test
  void aChunkedBodyThatBreaksItsFramingIsRefused() {
    for (String body : List.of("-6\r\nX\r\n", "zz\r\n", "3\r\nabcd\r\n", "3\nabc\r\n", "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n")) {
      RequestReader r = new RequestReader(ByteBufAllocator.DEFAULT);
      r.add(Unpooled.copiedBuffer("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body, StandardCharsets.US_ASCII));
      List<Object> got = new ArrayList<>();
      for (Object part; (part = r.next()) != null; ) {
        got.add(part instanceof ByteBuf data && data.release() ? "data" : part);
      }
      assertThat(got).as(body).last().isInstanceOf(RequestReader.Refused.class);
      r.release();
    }
  }

  @Test
  void whatFollowsASwitchIsHandedOverAsItCame() {
    add("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\u0081\u0001x");
    assertThat(parts()).containsExactly("head GET /ws");
    ByteBuf rest = reader.takeRest();
    assertThat(rest.toString(StandardCharsets.ISO_8859_1)).isEqualTo("\u0081\u0001x");
    rest.release();
    add("more");
    assertThat(parts()).isEmpty();
  }
}
