package dev.pier.server.tls;

import dev.pier.server.common.Backoff;
import java.time.Duration;
import java.time.Instant;

/** When a certificate is renewed and when a failed name is tried again. Pure. */
final class Renewal {

  /** Renew with this much left, or a third of the certificate's lifetime for short-lived ones. */
  static final Duration BEFORE = Duration.ofDays(30);

  private Renewal() {}

  /**
   * Whether a certificate valid from {@code notBefore} to {@code notAfter} should be replaced at {@code now}: with
   * fewer than 30 days left, or a third of its lifetime for certificates that live less than 90 days.
   */
  static boolean due(Instant notBefore, Instant notAfter, Instant now) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    Duration margin = lifetime.dividedBy(3).compareTo(BEFORE) < 0 ? lifetime.dividedBy(3) : BEFORE;
    return !now.isBefore(notAfter.minus(margin));
  }

  /**
   * The wait before the next attempt after {@code failures} failures in a row (at least 1): {@code min}, doubled at each
   * further failure, never more than {@code max}; and never before the CA's own Retry-After, if it gave one.
   */
  static Duration retryDelay(int failures, Duration min, Duration max, Duration retryAfter) {
    Duration d = Backoff.delay(failures, min, max);
    return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
  }
}
