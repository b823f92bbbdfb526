package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands the request parts of a client connection ({@link RequestReader}) to the {@link FrontendHandler} one at a time,
 * when it asks ({@link #want}): a part that came already at once, else once its bytes come. The socket is read (the
 * channel has auto-read off) only while a part is wanted and none is there, so a client is never read ahead of its
 * exchange by more than one read.
 */
final class RequestPump {

  private final ChannelHandlerContext ctx;
  private final RequestReader reader;
  private final Consumer<Object> taker;
  private final Runnable nothingYet;
  private final long headTimeoutNanos;
  private final Runnable lateHead;
  private ScheduledFuture<?> headTimer;
  /** A part is wanted; a socket read was asked for and has not completed; parts are being handed out. */
  private boolean wanting;
  private boolean readPending;
  private boolean pumping;
  /** Reads that brought bytes so far. */
  private long added;

  /**
   * @param taker takes each part wanted
   * @param nothingYet runs each time a part is wanted and its bytes are not all there yet (before the socket is read)
   * @param lateHead runs when a head that started did not come whole within {@code headTimeoutNanos}
   */
  RequestPump(ChannelHandlerContext ctx, Consumer<Object> taker, Runnable nothingYet, long headTimeoutNanos, Runnable lateHead) {
    this.ctx = ctx;
    this.reader = new RequestReader(ctx.alloc());
    this.taker = taker;
    this.nothingYet = nothingYet;
    this.headTimeoutNanos = headTimeoutNanos;
    this.lateHead = lateHead;
  }

  /** The next part is wanted: handed out now if it is there. */
  void want() {
    wanting = true;
    pump();
  }

  /** Whether a part is wanted and not handed out yet. */
  boolean wanting() {
    return wanting;
  }

  /** Bytes the socket read brought ({@code bytes} is taken over). */
  void add(ByteBuf bytes) {
    reader.add(bytes);
    added++;
    pump();
  }

  /** A socket read completed: if what it brought was not a whole part, read on. */
  void readComplete() {
    readPending = false;
    if (wanting) {
      pump();
    }
  }

  /** Reads nothing more: what waits and whatever comes later is dropped. */
  void stop() {
    cancelHeadTimer();
    reader.stop();
  }

  void release() {
    cancelHeadTimer();
    reader.release();
  }

  /** Looks again in {@code nanos} whether a head that started is still not whole; one timer at a time. */
  private void checkHeadIn(long nanos) {
    headTimer = ctx.executor().schedule(() -> {
      headTimer = null;
      if (!reader.inHead() || !ctx.channel().isActive()) {
        return;
      }
      long left = headTimeoutNanos - (System.nanoTime() - reader.headStarted());
      if (left > 0) {
        checkHeadIn(left);
      } else {
        lateHead.run();
      }
    }, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  private void cancelHeadTimer() {
    if (headTimer != null) {
      headTimer.cancel(false);
      headTimer = null;
    }
  }

  /** The bytes read but not handed out (the new protocol's, after a switch); then nothing more is read as HTTP. */
  ByteBuf takeRest() {
    return reader.takeRest();
  }

  private void pump() {
    if (pumping) {
      return; // (a part was wanted while one was being handed out: the loop below goes on)
    }
    pumping = true;
    try {
      while (wanting) {
        Object part = reader.next();
        if (part == null) {
          long before = added;
          nothingYet.run();
          if (reader.inHead() && headTimer == null) {
            checkHeadIn(headTimeoutNanos - (System.nanoTime() - reader.headStarted()));
          }
          if (!readPending) {
            readPending = true;
            ctx.read();
          }
          if (added == before) {
            return;
          }
          continue; // bytes came within the read asked for (an HTTP/2 stream hands out what it holds at once)
        }
        wanting = false;
        taker.accept(part);
      }
    } finally {
      pumping = false;
    }
  }
}
