package dev.pier.server.common;

import java.time.Duration;

/** How long to wait before trying again what failed, shared by the features that retry (ACME orders, DNS updates). Pure. */
public final class Backoff {

  private Backoff() {}

  /** The wait after {@code failures} failures in a row (at least 1): {@code min}, doubled at each further failure, at most {@code max}. */
  public static Duration delay(int failures, Duration min, Duration max) {
    Duration d = min;
    for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
