package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;

/**
 * Reads the requests of one client connection from its bytes, strictly (RFC 9112), one part at a time and only when
 * asked ({@link #next}): a head ({@link ClientRequest}), the body's data (slices of what was read; a chunked body
 * without its framing), its {@link End}, or a {@link Refused} answer. Lines end in CRLF only; a request line over
 * {@link #MAX_LINE} bytes is a 414, header lines over {@link #MAX_HEADERS} together a 431; a body's framing that
 * breaks is a 400. After a refusal nothing more is read. Bytes not asked for yet wait here (pipelined requests).
 */
final class RequestReader {

  static final int MAX_LINE = 8 * 1024;
  static final int MAX_HEADERS = 16 * 1024;
  private static final int MAX_CHUNK_LINE = 4 * 1024;

  /** The end of a request's body, with the trailer lines of a chunked one (each ending in CRLF; often none). */
  record End(byte[] trailers) {}

  static final End END = new End(new byte[0]);

  /** What cannot be read: answered with {@code status}, and the connection closed. */
  record Refused(int status, String reason) {}

  private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, STOPPED }

  private final ByteBufAllocator alloc;
  private ByteBuf in;
  private State state = State.HEAD;
  private long remaining;
  /** In a head not yet whole: how far it was looked at, where its current line starts, where its request line ends. */
  private int scanned;
  private int lineStart;
  private int requestLineEnd = -1;
  /** A head started and is not whole yet, since {@link #headStarted} (System.nanoTime). */
  private boolean inHead;
  private long headStarted;
  /** Blank-line bytes skipped before the head in progress (a few are allowed, RFC 9112, 2.2). */
  private int blank;
  private static final int MAX_BLANK = 8;

  RequestReader(ByteBufAllocator alloc) {
    this.alloc = alloc;
  }

  /** Takes {@code bytes} (and the duty to release them) as the next bytes of the connection. */
  void add(ByteBuf bytes) {
    if (state == State.STOPPED) {
      bytes.release();
    } else if (in == null) {
      in = bytes;
    } else if (!in.isReadable()) {
      in.release();
      in = bytes;
    } else {
      int n = bytes.readableBytes();
      if (in.refCnt() > 1 || in.writableBytes() < n) { // shared with slices handed out, or full
        ByteBuf merged = alloc.buffer(Math.max(in.readableBytes() + n, 2 * in.readableBytes())); // (a head byte by byte)
        merged.writeBytes(in);
        in.release();
        in = merged;
      }
      in.writeBytes(bytes);
      bytes.release();
    }
  }

  /** Whether a head came in part and waits for the rest; since when ({@link #headStarted}). */
  boolean inHead() {
    return inHead;
  }

  long headStarted() {
    return headStarted;
  }

  /** Reads nothing more: what is waiting and whatever comes later is dropped. */
  void stop() {
    state = State.STOPPED;
    release();
  }

  /** The bytes read but not asked for (the first bytes of a new protocol, after a switch); then reads nothing more. */
  ByteBuf takeRest() {
    ByteBuf rest = in;
    in = null;
    state = State.STOPPED;
    return rest;
  }

  void release() {
    if (in != null) {
      in.release();
      in = null;
    }
  }

  /**
   * The next part of the connection's requests, or null when more bytes are needed. Body data is a slice of what was
   * read, to be released by the caller. A request without a body has no {@link End}.
   */
  Object next() {
    Object part = step();
    if (in != null && !in.isReadable()) {
      in.release();
      in = null;
    }
    return part;
  }

  /** A chunk line was read that is no part to hand out: read on. */
  private static final Object ON = new Object();

  private Object step() {
    while (true) {
      switch (state) {
        case STOPPED -> {
          return null;
        }
        case HEAD -> {
          return in == null ? null : head();
        }
        case LENGTH, CHUNK_DATA -> {
          if (state == State.LENGTH && remaining == 0) {
            state = State.HEAD;
            return END;
          }
          if (in == null || !in.isReadable()) {
            return null;
          }
          int n = (int) Math.min(remaining, in.readableBytes());
          remaining -= n;
          if (remaining == 0 && state == State.CHUNK_DATA) {
            state = State.CHUNK_DATA_END;
          }
          return in.readRetainedSlice(n);
        }
        default -> {
          Object line = in == null ? null : chunkLine();
          if (line != ON) {
            return line;
          }
        }
      }
    }
  }

  private Object head() {
    if (!inHead) {
      while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
        in.skipBytes(1); // blank lines between requests, which some clients send after a body
        if (++blank > MAX_BLANK) { // (not a way to keep a connection open without ever sending a request)
          return refuse(400, "The request has more blank lines before it than a client sends.");
        }
      }
      if (!in.isReadable()) {
        return null;
      }
      inHead = true;
      headStarted = System.nanoTime();
    }
    int start = in.readerIndex();
    int end = in.writerIndex();
    for (int i = in.indexOf(start + scanned, end, (byte) '\n'); i >= 0; i = in.indexOf(i + 1, end, (byte) '\n')) {
      if (i == start + lineStart || in.getByte(i - 1) != '\r') {
        return refuse(400, "The request has a line that does not end in CRLF.");
      }
      int line = i - 1 - (start + lineStart);
      if (requestLineEnd < 0) {
        if (line > MAX_LINE) {
          return refuse(414, "The request line is too long.");
        }
        requestLineEnd = i + 1 - start;
      } else if (line == 0) {
        return whole(i + 1 - start);
      }
      lineStart = i + 1 - start;
    }
    scanned = end - start;
    if (requestLineEnd < 0 ? scanned > MAX_LINE + 2 : scanned - requestLineEnd > MAX_HEADERS + 2) {
      return requestLineEnd < 0 ? refuse(414, "The request line is too long.") : refuse(431, "The request's headers are too large.");
    }
    return null;
  }

  /** The head of {@code length} bytes is all there. */
  private Object whole(int length) {
    if (length - requestLineEnd > MAX_HEADERS + 2) {
      return refuse(431, "The request's headers are too large.");
    }
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    inHead = false;
    blank = 0;
    scanned = 0;
    lineStart = 0;
    requestLineEnd = -1;
    ClientRequest request;
    try {
      request = ClientRequest.parse(bytes);
    } catch (ClientRequest.Refused e) {
      return refuse(e.status, e.getMessage());
    }
    if (request.unframed()) {
      stop(); // refused by the route decision: where its body ends cannot be told
    } else if (request.chunked) {
      state = State.CHUNK_SIZE;
    } else if (request.contentLength > 0) {
      remaining = request.contentLength;
      state = State.LENGTH;
    }
    return request;
  }

  /**
   * Reads a chunk-size line, the CRLF after chunk data, or a trailer line, if it is all there: {@link #ON} when it
   * was read, null when more bytes are needed, else what to hand out (the body's end, a refusal).
   */
  private Object chunkLine() {
    int start = in.readerIndex();
    int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      return in.readableBytes() > MAX_CHUNK_LINE ? refuse(400, "The request's body has a chunk line that is too long.") : null;
    }
    if (lf == start || in.getByte(lf - 1) != '\r') {
      return refuse(400, "The request's body has a line that does not end in CRLF.");
    }
    byte[] line = new byte[lf - 1 - start];
    in.getBytes(start, line);
    in.readerIndex(lf + 1);
    switch (state) {
      case CHUNK_SIZE -> {
        long size = chunkSize(line);
        if (size < 0) {
          return refuse(400, "The request's body has a chunk size that is not a hexadecimal number.");
        }
        remaining = size;
        state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
        return ON;
      }
      case CHUNK_DATA_END -> {
        if (line.length != 0) {
          return refuse(400, "The request's body has chunk data longer than its size.");
        }
        state = State.CHUNK_SIZE;
        return ON;
      }
      default -> {
        return trailer(line);
      }
    }
  }

  private final ByteArrayOutputStream trailers = new ByteArrayOutputStream();

  /** A trailer line, or the blank line that ends the body. */
  private Object trailer(byte[] line) {
    if (line.length == 0) {
      state = State.HEAD;
      byte[] t = trailers.toByteArray();
      trailers.reset();
      return t.length == 0 ? END : new End(t);
    }
    int colon = HeaderBytes.indexOf(line, 0, line.length, ':');
    if (colon <= 0 || !HeaderBytes.token(line, 0, colon) || !HeaderBytes.fieldValue(line, colon + 1, line.length)) {
      return refuse(400, "The request's trailer has a line that is not \"name: value\".");
    }
    if (trailers.size() + line.length > MAX_HEADERS) {
      return refuse(400, "The request's trailers are too large.");
    }
    int kind = HeaderBytes.kind(line, 0, colon);
    if (kind == ClientRequest.OTHER || kind == ClientRequest.REFERER || kind == ClientRequest.USER_AGENT) {
      trailers.writeBytes(line); // (framing, routing, hop-by-hop and forwarding fields are never taken from trailers)
      trailers.write('\r');
      trailers.write('\n');
    }
    return ON;
  }

  /** The size of a chunk-size line (hexadecimal, then extensions that are not read), or -1. */
  private static long chunkSize(byte[] line) {
    int end = HeaderBytes.indexOf(line, 0, line.length, ';');
    if (end < 0) {
      end = line.length;
    } else if (!HeaderBytes.fieldValue(line, end, line.length)) {
      return -1;
    }
    while (end > 0 && HeaderBytes.isOws(line[end - 1])) {
      end--;
    }
    if (end == 0 || end > 15) {
      return -1;
    }
    long size = 0;
    for (int i = 0; i < end; i++) {
      int d = Character.digit(line[i], 16);
      if (d < 0) {
        return -1;
      }
      size = size * 16 + d;
    }
    return size;
  }

  private Refused refuse(int status, String reason) {
    stop();
    return new Refused(status, reason);
  }
}
