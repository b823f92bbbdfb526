package dev.pier.server.site;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a running site that sleeps when idle goes to sleep: once it had no traffic through the edge (requests,
 * WebSocket bytes) for its {@code sleepAfterSeconds}, counted from its start at the earliest. Pure.
 */
final class SleepRule {

  private SleepRule() {}

  /**
   * @param sleepAfterSeconds the site's setting (null: it never sleeps)
   * @param runningSince      when it last started (its row's last change)
   * @param idleFor           how long ago it last had traffic (empty: none since Pier started)
   */
  static boolean due(Integer sleepAfterSeconds, Instant runningSince, Optional<Duration> idleFor, Instant now) {
    if (sleepAfterSeconds == null) {
      return false;
    }
    Duration sinceStart = Duration.between(runningSince, now);
    Duration idle = idleFor.filter(d -> d.compareTo(sinceStart) < 0).orElse(sinceStart);
    return idle.toSeconds() >= sleepAfterSeconds;
  }
}
