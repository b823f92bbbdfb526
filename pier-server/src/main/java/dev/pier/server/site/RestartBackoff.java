package dev.pier.server.site;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether, and when, a site whose container exited by itself is started again: by its {@link RestartPolicy}, after a
 * back-off that doubles with each restart in a row (1 s, 2 s, 4 s ... at most {@link #MAX_BACKOFF}), and never after
 * {@value #MAX_IN_A_ROW} restarts in a row without a run of {@link #STABLE}, so that a crash-looping site cannot load
 * the host. Pure.
 */
final class RestartBackoff {

  static final int MAX_IN_A_ROW = 10;
  static final Duration STABLE = Duration.ofMinutes(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** What to do: start it again at {@code due} as the {@code inARow}th restart in a row, or give it up. */
  record Decision(boolean restart, Instant due, int inARow, boolean gaveUp) {

    static Decision stop() {
      return new Decision(false, null, 0, false);
    }
  }

  private RestartBackoff() {}

  /** The wait before the {@code n}th restart in a row (n from 1): 1 s, doubling, at most {@link #MAX_BACKOFF}. */
  static Duration backoff(int n) {
    long seconds = 1L << Math.min(Math.max(n - 1, 0), 20);
    return seconds >= MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
  }

  /**
   * @param failed      whether it ended badly (not status 0, or killed): {@code on-failure} restarts only those
   * @param inARow      restarts in a row so far
   * @param lastRestart when it was last started again (null: never), to tell a stable run from a crash loop
   */
  static Decision decide(RestartPolicy policy, boolean failed, int inARow, Instant lastRestart, Instant now) {
    boolean restart = policy == RestartPolicy.ALWAYS || (policy == RestartPolicy.ON_FAILURE && failed);
    if (!restart) {
      return Decision.stop();
    }
    int row = lastRestart != null && Duration.between(lastRestart, now).compareTo(STABLE) < 0 ? inARow : 0;
    if (row >= MAX_IN_A_ROW) {
      return new Decision(false, null, row, true);
    }
    return new Decision(true, now.plus(backoff(row + 1)), row + 1, false);
  }
}
