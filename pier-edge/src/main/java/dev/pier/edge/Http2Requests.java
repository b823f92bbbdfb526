package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns the request of an HTTP/2 stream (as Netty's objects) into the bytes of an HTTP/1.1 request, so that the
 * {@link FrontendHandler} reads every request one way, with the same checks. The head keeps the stream's headers;
 * a body without a Content-Length goes chunked. A header that could not be written as an HTTP/1.1 line (a CR, LF
 * or NUL in it) is answered 400 and the stream closed.
 */
final class Http2Requests extends ChannelInboundHandlerAdapter {

  private static final byte[] CRLF = {'\r', '\n'};
  /** Whether the request's body goes chunked (it has no Content-Length). */
  private boolean chunked;
  /** The stream's one request came whole, or was refused: nothing after it is read. */
  private boolean done;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof LastHttpContent) {
      done = true; // (a whole request is one too)
    }
    if (msg instanceof HttpRequest request) {
      ByteBuf head = head(ctx, request);
      if (head == null) {
        done = true;
        ReferenceCountUtil.release(msg);
        ctx.writeAndFlush(Pages.page(HttpResponseStatus.BAD_REQUEST, "A header of the request cannot be passed on."))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      ctx.fireChannelRead(head);
      if (msg instanceof FullHttpRequest full) { // a stream ended with its headers: no body, or all of it here
        ByteBuf body = full.content().retain();
        full.release();
        if (body.isReadable() || chunked) {
          ctx.fireChannelRead(chunked ? chunk(ctx, body, full) : body);
        } else {
          body.release();
        }
      }
    } else if (msg instanceof HttpContent part) {
      ctx.fireChannelRead(chunked ? chunk(ctx, part.content(), part) : part.content());
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  /** The head as bytes, or null when a header cannot be written as a line. */
  private ByteBuf head(ChannelHandlerContext ctx, HttpRequest request) {
    boolean hasLength = request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
    boolean empty = request instanceof FullHttpRequest full && !full.content().isReadable();
    chunked = !hasLength && !empty;
    ByteBuf out = ctx.alloc().buffer(512);
    if (!line(out, request.method().name() + " " + request.uri() + " HTTP/1.1")) {
      out.release();
      return null;
    }
    for (Map.Entry<CharSequence, CharSequence> h : iterable(request)) {
      String name = h.getKey().toString();
      if (name.startsWith("x-http2-") || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
        continue; // the conversion's own notes, and what HTTP/2 forbids anyway
      }
      if (!line(out, name + ": " + h.getValue())) {
        out.release();
        return null;
      }
    }
    if (chunked) {
      line(out, HttpHeaderNames.TRANSFER_ENCODING + ": " + HttpHeaderValues.CHUNKED);
    }
    out.writeBytes(CRLF);
    return out;
  }

  private static Iterable<Map.Entry<CharSequence, CharSequence>> iterable(HttpRequest request) {
    return request.headers()::iteratorCharSequence;
  }

  /** Writes {@code text} and CRLF; false when the text has a CR, LF or NUL (it would make lines of its own). */
  private static boolean line(ByteBuf out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
        return false;
      }
    }
    out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
    return true;
  }

  /**
   * {@code data} (released, and {@code part} with it) as a chunk, and after it, when {@code part} is the body's last
   * (a whole request is one too), the last chunk and the trailers that can be written as lines.
   */
  private static ByteBuf chunk(ChannelHandlerContext ctx, ByteBuf data, Object part) {
    ByteBuf out = ctx.alloc().buffer(data.readableBytes() + 32);
    if (data.isReadable()) {
      out.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
      out.writeBytes(CRLF).writeBytes(data).writeBytes(CRLF);
    }
    data.release();
    if (part instanceof LastHttpContent last) {
      out.writeByte('0').writeBytes(CRLF);
      for (Map.Entry<String, String> t : last.trailingHeaders()) {
        int mark = out.writerIndex();
        if (!line(out, t.getKey() + ": " + t.getValue())) {
          out.writerIndex(mark);
        }
      }
      out.writeBytes(CRLF);
    }
    return out;
  }
}
