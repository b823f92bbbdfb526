package dev.pier.edge;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The guards on one request body: its size against the site's limit, and its pace (a slow POST): each wait for the
 * next part is timed, and the body must come at a minimum rate over the time the edge spent waiting for it. The
 * caller says when it starts and stops waiting; the counting takes the times (System.nanoTime values) as arguments.
 */
final class BodyGuard {

  private final long minRate;
  private final long graceNanos;
  private long limit = Long.MAX_VALUE;
  private long bytes;
  private long waitedNanos;
  private long waitStarted;
  private boolean waiting;
  private ScheduledFuture<?> timer;

  /**
   * @param minRate the slowest body accepted, in bytes a second, once the edge waited longer than {@code grace}
   */
  BodyGuard(long minRate, Duration grace) {
    this.minRate = minRate;
    this.graceNanos = grace.toNanos();
  }

  /** A guard with the edge's rate ({@link EdgeConfig#MIN_BODY_RATE} after {@link EdgeConfig#RATE_GRACE}). */
  static BodyGuard standard() {
    return new BodyGuard(EdgeConfig.MIN_BODY_RATE, EdgeConfig.RATE_GRACE);
  }

  /** Sets the largest body passed on (the site's); unlimited until then. */
  void limit(long maxBytes) {
    this.limit = maxBytes;
  }

  long limit() {
    return limit;
  }

  /**
   * The edge asks the client for more of the body at {@code now}; a wait already under way goes on from when it
   * started (a read that brought no whole part, such as part of a TLS record, does not restart it).
   */
  void waitFrom(long now) {
    if (!waiting) {
      waitStarted = now;
      waiting = true;
    }
  }

  /** Something came from the client at {@code now}: the wait, if any, ends. */
  void waitEnded(long now) {
    if (waiting) {
      waitedNanos += now - waitStarted;
      waiting = false;
    }
  }

  /**
   * The edge asks the client for more of the body now: {@code onTimeout} runs on {@code executor} unless something
   * comes ({@link #stopWaiting}) within {@code timeoutNanos} of the first such call.
   */
  void startWaiting(ScheduledExecutorService executor, long timeoutNanos, Runnable onTimeout) {
    waitFrom(System.nanoTime());
    if (timer == null) {
      timer = executor.schedule(() -> {
        timer = null;
        onTimeout.run();
      }, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Something came, or the exchange ended: the wait ends, and its timer with it. */
  void stopWaiting() {
    waitEnded(System.nanoTime());
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Counts {@code n} more bytes of the body. */
  void received(long n) {
    bytes += n;
  }

  long bytes() {
    return bytes;
  }

  /** Whether more came than the limit allows. */
  boolean overLimit() {
    return bytes > limit;
  }

  /** Whether the body, not yet complete, comes slower than the minimum rate (after the grace time). */
  boolean tooSlow() {
    return waitedNanos > graceNanos && bytes * 1_000_000_000L / waitedNanos < minRate;
  }
}
