package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the raw bytes of each request head before the HTTP decoder does, for what the decoder accepts but the
 * edge refuses: obsolete line folding (a header line that starts with a space or tab), which Netty would quietly
 * join to the previous header. It follows the request framing itself (Content-Length, chunked) to know where
 * each head starts, and records which heads, counted from 0 on the connection, were folded; the
 * {@link FrontendHandler} refuses those. When the bytes stop making sense as HTTP/1.1 it stops looking: the
 * decoder refuses such a request and the connection closes.
 */
final class HeadScanner extends ChannelInboundHandlerAdapter {

  private enum State { LINE_START, IN_LINE, LINE_CR, END_CR, BODY, CHUNK_SIZE, CHUNK_SIZE_CR, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF,
    TRAILER_START, TRAILER_LINE, TRAILER_CR, TRAILER_END_CR, OFF }

  private static final int MAX_LINE = 64 * 1024;

  /** Fired down the pipeline when a client took too long to send a request head it started. */
  static final Object HEAD_TIMEOUT = new Object() {
    @Override
    public String toString() {
      return "HEAD_TIMEOUT";
    }
  };

  private final BitSet folded = new BitSet();
  /** The most bytes of one head kept: the decoder's limits for the request line and the headers, and some. */
  private static final int MAX_CAPTURE = 32 * 1024;
  private static final byte[] NOTHING = new byte[0];
  /** Heads seen and not yet taken ({@link #takeHead}), oldest first; the first has index {@link #firstHeld}. */
  private final ArrayDeque<byte[]> held = new ArrayDeque<>();
  private long firstHeld;
  /** The head in progress, as it comes ({@code captured} bytes of it; -1: too large, not kept). */
  private byte[] capture = new byte[1024];
  private int captured;
  private boolean capturing;
  private final long headerTimeoutNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> headTimer;
  /** A head is coming, since {@link #headStarted} (System.nanoTime). */
  private boolean inHead;
  private long headStarted;

  HeadScanner(Duration headerTimeout) {
    this.headerTimeoutNanos = headerTimeout.toNanos();
  }

  HeadScanner() {
    this(Duration.ofDays(1));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelHeadTimer();
    ctx.fireChannelInactive();
  }

  /**
   * Looks again in {@code nanos} whether a head is still coming after the timeout. One timer at a time, re-armed
   * for what is left of the head in progress: not a timer per head.
   */
  private void checkHeadIn(long nanos) {
    headTimer = ctx.executor().schedule(() -> {
      headTimer = null;
      if (!inHead) {
        return;
      }
      long waited = System.nanoTime() - headStarted;
      if (waited >= headerTimeoutNanos) {
        inHead = false;
        ctx.fireUserEventTriggered(HEAD_TIMEOUT);
      } else {
        checkHeadIn(headerTimeoutNanos - waited);
      }
    }, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelHeadTimer() {
    if (headTimer != null) {
      headTimer.cancel(false);
      headTimer = null;
    }
  }
  private State state = State.LINE_START;
  private long head;
  private int lineIndex;
  private final StringBuilder line = new StringBuilder();
  private int lineLength;
  /** Whether the line in progress is kept in {@link #line} (it may be one the scanner reads). */
  private boolean keep;
  private long contentLength;
  private boolean chunked;
  private long remaining;

  /** Whether the scanner lost track of the framing (the decoder refuses such requests; the connection must close). */
  boolean isOff() {
    return state == State.OFF;
  }

  /**
   * The bytes of the request head with this index (0 for the first on the connection), from its request line to
   * its blank line, as the client sent them; null when they were not kept. Taken once; heads before it are dropped.
   */
  byte[] takeHead(long headIndex) {
    while (!held.isEmpty() && firstHeld < headIndex) {
      held.poll();
      firstHeld++;
    }
    if (held.isEmpty() || firstHeld != headIndex) {
      return null;
    }
    firstHeld++;
    byte[] bytes = held.poll();
    return bytes.length == 0 ? null : bytes;
  }

  /** Whether the request head with this index (0 for the first on the connection) had an obsolete line fold. */
  boolean folded(long headIndex) {
    return headIndex <= Integer.MAX_VALUE && folded.get((int) headIndex);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf && state != State.OFF) {
      for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end && state != State.OFF; ) {
        if (skipping()) { // body bytes: counted, not looked at
          long skip = Math.min(remaining, end - i);
          remaining -= skip;
          i += (int) skip;
          if (remaining == 0) {
            state = state == State.BODY ? State.LINE_START : State.CHUNK_DATA_CR;
          }
          continue;
        }
        int stop = buf.forEachByte(i, end - i, stepper); // one bounds check for the run, not one per byte
        i = stop < 0 ? end : stop + 1;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** Steps through head bytes until body bytes to skip begin, or the scanner gives up. */
  private final ByteProcessor stepper = b -> {
    step(b);
    return state != State.OFF && !skipping();
  };

  private boolean skipping() {
    return (state == State.BODY || state == State.CHUNK_DATA) && remaining > 0;
  }

  private void step(byte b) {
    if (!capturing && state == State.LINE_START && lineIndex == 0 && b != '\r' && b != '\n') {
      capturing = true; // a request line starts
      captured = 0;
    }
    if (capturing && captured >= 0) {
      if (captured == capture.length) {
        capture = captured >= MAX_CAPTURE ? null : Arrays.copyOf(capture, captured * 2);
      }
      if (capture == null) {
        capture = new byte[1024];
        captured = -1; // too large to keep (the decoder refuses it anyway)
      } else {
        capture[captured++] = b;
      }
    }
    switch (state) {
      case LINE_START -> {
        if (lineIndex == 0 && (b == '\r' || b == '\n') && line.isEmpty()) {
          return; // empty lines before a request line are ignored
        }
        if (b == '\r') {
          state = State.END_CR;
        } else if (b == '\n') {
          endOfHead();
        } else {
          if ((b == ' ' || b == '\t') && lineIndex > 0) {
            folded.set((int) Math.min(head, Integer.MAX_VALUE));
          }
          if (lineIndex == 0 && ctx != null && !inHead) { // a new head starts: it has so long to finish
            inHead = true;
            headStarted = System.nanoTime();
            if (headTimer == null) {
              checkHeadIn(headerTimeoutNanos);
            }
          }
          line.setLength(0);
          lineLength = 1;
          // Only Content-Length and Transfer-Encoding are read (endOfLine): other lines are counted, not kept.
          keep = b == 'c' || b == 'C' || b == 't' || b == 'T';
          if (keep) {
            line.append((char) (b & 0xff));
          }
          state = State.IN_LINE;
        }
      }
      case IN_LINE -> {
        if (b == '\r') {
          state = State.LINE_CR;
        } else if (b == '\n') {
          endOfLine();
        } else if (lineLength < MAX_LINE) {
          lineLength++;
          if (keep) {
            line.append((char) (b & 0xff));
          }
        } else {
          state = State.OFF;
        }
      }
      case LINE_CR -> {
        if (b == '\n') {
          endOfLine();
        } else {
          state = State.OFF;
        }
      }
      case END_CR -> {
        if (b == '\n') {
          endOfHead();
        } else {
          state = State.OFF;
        }
      }
      case CHUNK_SIZE -> {
        if (b == '\r') {
          state = State.CHUNK_SIZE_CR;
        } else if (line.indexOf(";") < 0 && line.length() < 256) {
          line.append((char) (b & 0xff)); // the size; extensions after ';' are not kept, only skipped
        } else if (line.indexOf(";") < 0) {
          state = State.OFF;
        }
      }
      case CHUNK_SIZE_CR -> {
        if (b != '\n') {
          state = State.OFF;
          return;
        }
        String size = line.toString();
        int semi = size.indexOf(';');
        size = (semi >= 0 ? size.substring(0, semi) : size).strip();
        line.setLength(0);
        if (size.isEmpty() || size.length() > 15 || !size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          state = State.OFF; // the decoder refuses it (a sign, say, which must never move the scan backwards)
          return;
        }
        remaining = Long.parseLong(size, 16);
        state = remaining == 0 ? State.TRAILER_START : State.CHUNK_DATA;
      }
      case CHUNK_DATA_CR -> state = b == '\r' ? State.CHUNK_DATA_LF : State.OFF;
      case CHUNK_DATA_LF -> {
        state = b == '\n' ? State.CHUNK_SIZE : State.OFF;
        line.setLength(0);
      }
      case TRAILER_START -> state = b == '\r' ? State.TRAILER_END_CR : State.TRAILER_LINE;
      case TRAILER_LINE -> {
        if (b == '\r') {
          state = State.TRAILER_CR;
        }
      }
      case TRAILER_CR -> state = b == '\n' ? State.TRAILER_START : State.OFF;
      case TRAILER_END_CR -> {
        if (b == '\n') {
          state = State.LINE_START;
        } else {
          state = State.OFF;
        }
      }
      default -> state = State.OFF;
    }
  }

  private void endOfLine() {
    if (lineIndex > 0) {
      // Only two headers matter here; most lines are neither, and are passed over without making a string.
      if (nameIs("content-length")) {
        try {
          contentLength = Long.parseLong(value());
        } catch (NumberFormatException e) {
          state = State.OFF; // the decoder refuses it
          return;
        }
      } else if (nameIs("transfer-encoding")) {
        chunked = value().toLowerCase(Locale.ROOT).endsWith("chunked");
      }
    }
    lineIndex++;
    line.setLength(0);
    state = State.LINE_START;
  }

  /** Whether the line in progress is a header named {@code name} (any case, blanks around the name allowed). */
  private boolean nameIs(String name) {
    int colon = line.indexOf(":");
    if (colon < name.length()) {
      return false;
    }
    int start = 0;
    int end = colon;
    while (start < end && line.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && line.charAt(end - 1) <= ' ') {
      end--;
    }
    if (end - start != name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.toLowerCase(line.charAt(start + i)) != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The value of the header line in progress, without blanks around it. */
  private String value() {
    return line.substring(line.indexOf(":") + 1).strip();
  }

  private void endOfHead() {
    inHead = false; // (its timer, if any, finds nothing to do)
    held.add(capturing && captured > 0 ? Arrays.copyOf(capture, captured) : NOTHING);
    capturing = false;
    boolean isChunked = chunked;
    long length = contentLength;
    head++;
    resetHead();
    if (isChunked) {
      state = State.CHUNK_SIZE;
    } else if (length > 0) {
      remaining = length;
      state = State.BODY;
    } else {
      state = State.LINE_START;
    }
  }

  private void resetHead() {
    lineIndex = 0;
    contentLength = 0;
    chunked = false;
    line.setLength(0);
  }
}
