package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Responses read as bytes: heads, bodies as they came, and where each ends. */
class ResponseReaderTest {

  private final ResponseReader reader = new ResponseReader();
  private final EmbeddedChannel channel = new EmbeddedChannel(reader);

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
  }

  private void send(String... parts) {
    for (String part : parts) {
      channel.writeInbound(Unpooled.copiedBuffer(part, StandardCharsets.ISO_8859_1));
    }
  }

  /** What came out, in order: "HEAD 200", the body's text, "END". */
  private List<String> read() {
    List<String> out = new ArrayList<>();
    for (Object m; (m = channel.readInbound()) != null; ) {
      if (m instanceof UpstreamHead head) {
        out.add("HEAD " + head.status());
      } else if (m == ResponseReader.END) {
        out.add("END");
      } else {
        ByteBuf b = (ByteBuf) m;
        out.add(b.toString(StandardCharsets.ISO_8859_1));
        b.release();
      }
    }
    return out;
  }

  @Test
  void aBodyOfKnownLengthComesAsItCameAndEndsAtItsLength() {
    send("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello", " worl", "dHTTP/1.1 204 No Content\r\n\r\n");
    assertThat(read()).containsExactly("HEAD 200", "hello", " worl", "d", "END", "HEAD 204", "END");
    assertThat(reader.bodyBytes()).isZero();
  }

  @Test
  void aHeadInPiecesIsReadOnceWhole() {
    send("HTTP/1.1 200 OK\r\nConte", "nt-Length: 2\r\n", "\r", "\nok");
    assertThat(read()).containsExactly("HEAD 200", "ok", "END");
  }

  @Test
  void aChunkedBodyKeepsItsFramingAndEndsAfterItsTrailers() {
    send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "lo\r\n0\r\nX-T: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertThat(read()).containsExactly("HEAD 200", "5\r\nhel", "lo\r\n0\r\nX-T: 1\r\n\r\n", "END", "HEAD 200", "END");
    assertThat(reader.bodyBytes()).isZero();
  }

  @Test
  void aChunkedBodyCanComeAsItsDataAlone() {
    reader.expect(false, true);
    send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n3\r", "\nabc\r\n0\r\n\r\n");
    assertThat(String.join("|", read())).isEqualTo("HEAD 200|hello|abc|END");
    assertThat(reader.bodyBytes()).isEqualTo(8);
  }

  @Test
  void noBodyForAHeadRequestWhateverTheHeadersSay() {
    reader.expect(true, false);
    send("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
    send("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
    assertThat(read()).containsExactly("HEAD 200", "END", "HEAD 304", "END");
  }

  @Test
  void withoutLengthTheBodyRunsUntilTheConnectionCloses() {
    send("HTTP/1.0 200 OK\r\n\r\nsome", "thing");
    assertThat(read()).containsExactly("HEAD 200", "some", "thing");
    channel.close();
    assertThat(read()).containsExactly("END");
  }

  @Test
  void interimHeadsHaveNoBodyAndAfter101EverythingPassesAsItIs() {
    send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi");
    assertThat(read()).containsExactly("HEAD 100", "HEAD 101", "\u0081\u0002hi");
  }

  @Test
  void strayLineEndsBetweenResponsesAreSkipped() {
    send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ny");
    assertThat(read()).containsExactly("HEAD 200", "x", "END", "HEAD 200", "y", "END");
  }

  @Test
  void whatIsNotAResponseIsRefusedAndNothingMoreIsRead() {
    for (String bad : List.of("HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "SSH-2.0-x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\r\n  folded\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")) {
      EmbeddedChannel ch = new EmbeddedChannel(new ResponseReader());
      assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.ISO_8859_1)))
          .as(bad).isInstanceOf(DecoderException.class).hasMessageContaining("malformed response");
      ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", StandardCharsets.ISO_8859_1));
      for (Object m; (m = ch.readInbound()) != null; ) {
        assertThat(m).as(bad).isNotEqualTo(ResponseReader.END);
        io.netty.util.ReferenceCountUtil.release(m);
      }
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aHeadTooLargeIsRefused() {
    String big = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseReader.MAX_HEAD) + "\r\n";
    assertThatThrownBy(() -> send(big)).isInstanceOf(DecoderException.class);
  }
}
