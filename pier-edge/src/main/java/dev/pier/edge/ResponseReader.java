package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * Reads the responses of an upstream connection as bytes, without turning them into objects: for each response an
 * {@link UpstreamHead}, then its body as the buffers that came (slices of what was read; a chunked body with its
 * chunk framing, unless asked for the bare data), then {@link #END}. The framing is RFC 9112's: no body for a HEAD
 * request, 1xx, 204 and 304; Transfer-Encoding chunked; else Content-Length; else until the connection closes.
 * Interim (1xx) heads come with no body and no end; after a 101 everything is passed on as it comes. Anything it
 * cannot read as a response is a {@link DecoderException}, and nothing more is read from the connection.
 */
final class ResponseReader extends ByteToMessageDecoder {

  /** The end of a response's body. */
  static final Object END = new Object() {
    @Override
    public String toString() {
      return "END";
    }
  };

  /** The largest response head read: an 8 KiB status line and 64 KiB of headers. */
  static final int MAX_HEAD = 8192 + 64 * 1024;
  private static final int MAX_CHUNK_LINE = 8192;

  private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, UNTIL_CLOSE, SWITCHED, BROKEN }

  private State state = State.HEAD;
  private boolean headRequest;
  private boolean dechunk;
  private long remaining;
  private long bodyBytes;

  /** Whether nothing read waits here, between responses: the connection may serve another exchange. */
  boolean drained() {
    return state == State.HEAD && actualReadableBytes() == 0;
  }

  /** The bytes of the last (or current) response's body, without chunk framing. */
  long bodyBytes() {
    return bodyBytes;
  }

  /**
   * Says what the next response answers: a HEAD request ({@code headRequest}: no body whatever its headers say), and
   * whether a chunked body is to be passed as its bare data ({@code dechunk}: for clients that cannot take chunks).
   */
  void expect(boolean headRequest, boolean dechunk) {
    this.headRequest = headRequest;
    this.dechunk = dechunk;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      switch (state) {
        case HEAD -> {
          if (!head(in, out)) {
            return;
          }
        }
        case LENGTH -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          out.add(in.readRetainedSlice(n));
          remaining -= n;
          bodyBytes += n;
          if (remaining == 0) {
            end(out);
          }
        }
        case CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS -> {
          if (!chunks(in, out)) {
            return;
          }
        }
        case UNTIL_CLOSE, SWITCHED -> {
          bodyBytes += in.readableBytes();
          out.add(in.readRetainedSlice(in.readableBytes()));
        }
        case BROKEN -> in.skipBytes(in.readableBytes());
      }
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.isReadable()) {
      decode(ctx, in, out);
    }
    if (state == State.UNTIL_CLOSE) { // its end is the close
      end(out);
    }
  }

  /** Reads a whole head if there is one; returns false when more bytes are needed. */
  private boolean head(ByteBuf in, List<Object> out) {
    while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
      in.skipBytes(1); // stray line ends between responses, which some servers send
    }
    int end = endOfHead(in);
    if (end < 0) {
      if (in.readableBytes() > MAX_HEAD) {
        throw broken("a response head larger than " + MAX_HEAD + " bytes");
      }
      return false;
    }
    UpstreamHead head;
    try {
      head = UpstreamHead.parse(in, in.readerIndex(), end);
      in.readerIndex(end);
    } catch (IllegalArgumentException e) {
      throw broken(e.getMessage());
    }
    out.add(head);
    bodyBytes = 0;
    int status = head.status();
    if (status == 101) {
      state = State.SWITCHED;
    } else if (status >= 100 && status < 200) {
      state = State.HEAD; // interim: the real response follows
    } else if (headRequest || status == 204 || status == 304) {
      end(out);
    } else if (head.chunked()) {
      state = State.CHUNK_SIZE;
    } else if (head.contentLength() == 0) {
      end(out);
    } else if (head.contentLength() > 0) {
      remaining = head.contentLength();
      state = State.LENGTH;
    } else {
      state = State.UNTIL_CLOSE;
    }
    return true;
  }

  /** Where the head in {@code in} ends (after its blank line), or -1 if it is not all there yet. */
  static int endOfHead(ByteBuf in) {
    int from = in.readerIndex();
    int end = in.writerIndex();
    while (true) {
      int lf = in.indexOf(from, end, (byte) '\n');
      if (lf < 0 || lf + 1 >= end) {
        return -1;
      }
      byte next = in.getByte(lf + 1);
      if (next == '\n') {
        return lf + 2;
      }
      if (next == '\r') {
        if (lf + 2 >= end) {
          return -1;
        }
        if (in.getByte(lf + 2) == '\n') {
          return lf + 3;
        }
      }
      from = lf + 1;
    }
  }

  /**
   * Follows a chunked body as far as the bytes go: passes them on (the framing too, or only the data when
   * dechunking) and ends the response after its trailers. Returns false when more bytes are needed.
   */
  private boolean chunks(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int pos = start;
    int end = in.writerIndex();
    boolean more = true;
    while (more && pos < end && state != State.HEAD) {
      switch (state) {
        case CHUNK_SIZE, CHUNK_DATA_END, TRAILERS -> {
          int lf = in.indexOf(pos, end, (byte) '\n');
          if (lf < 0) {
            if (end - pos > MAX_CHUNK_LINE) {
              throw broken("a chunk line longer than " + MAX_CHUNK_LINE + " bytes");
            }
            more = false;
            continue;
          }
          int le = lf > pos && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
          if (state == State.CHUNK_SIZE) {
            remaining = chunkSize(in, pos, le);
            state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
          } else if (state == State.CHUNK_DATA_END) {
            if (le != pos) {
              throw broken("chunk data longer than its size");
            }
            state = State.CHUNK_SIZE;
          } else if (le == pos) {
            state = State.HEAD; // the blank line after the trailers
          }
          pos = lf + 1;
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - pos);
          if (dechunk) {
            out.add(in.retainedSlice(pos, n));
          }
          pos += n;
          remaining -= n;
          bodyBytes += n;
          if (remaining == 0) {
            state = State.CHUNK_DATA_END;
          }
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    if (!dechunk && pos > start) {
      out.add(in.retainedSlice(start, pos - start));
    }
    in.readerIndex(pos);
    if (state == State.HEAD) {
      end(out);
    }
    return more;
  }

  private long chunkSize(ByteBuf in, int from, int to) {
    int semi = in.indexOf(from, to, (byte) ';');
    int e = semi < 0 ? to : semi;
    while (e > from && (in.getByte(e - 1) == ' ' || in.getByte(e - 1) == '\t')) {
      e--;
    }
    if (e == from || e - from > 15) {
      throw broken("a chunk size that is not a hexadecimal number");
    }
    long size = 0;
    for (int i = from; i < e; i++) {
      int digit = Character.digit(in.getByte(i), 16);
      if (digit < 0) {
        throw broken("a chunk size that is not a hexadecimal number");
      }
      size = size * 16 + digit;
    }
    return size;
  }

  private void end(List<Object> out) {
    out.add(END);
    state = State.HEAD;
    headRequest = false;
    dechunk = false;
  }

  private DecoderException broken(String what) {
    state = State.BROKEN;
    return new DecoderException("malformed response: " + what);
  }
}
