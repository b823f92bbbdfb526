package dev.pier.server.ssh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@link #FREE} failed logins in a row for one user name, or from one client
 * address, further attempts for it are refused unchecked for a while, twice as long after each failure, up to
 * {@link #MAX_WAIT}. A success clears the user's and the address's count. Pure, given its clock.
 */
final class LoginThrottle {

  /** Failures allowed before any wait. */
  static final int FREE = 5;
  static final Duration FIRST_WAIT = Duration.ofSeconds(2);
  static final Duration MAX_WAIT = Duration.ofMinutes(15);
  /** A record of failures older than this is forgotten. */
  static final Duration FORGET = Duration.ofHours(1);

  private record Failures(int count, Instant last) {}

  private final Clock clock;
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long {@code user} from {@code address} must still wait before a password is checked; zero when it may now. */
  Duration wait(String user, String address) {
    Duration a = waitFor(userKey(user));
    Duration b = waitFor(addressKey(address));
    return a.compareTo(b) >= 0 ? a : b;
  }

  void failed(String user, String address) {
    Instant now = clock.instant();
    for (String key : new String[] {userKey(user), addressKey(address)}) {
      failures.compute(key, (k, f) -> f == null || f.last().plus(FORGET).isBefore(now) ? new Failures(1, now) : new Failures(f.count() + 1, now));
    }
    if (failures.size() > 100_000) {
      failures.entrySet().removeIf(e -> e.getValue().last().plus(FORGET).isBefore(now));
    }
  }

  void succeeded(String user, String address) {
    failures.remove(userKey(user));
    failures.remove(addressKey(address));
  }

  private Duration waitFor(String key) {
    Failures f = failures.get(key);
    if (f == null || f.count() < FREE) {
      return Duration.ZERO;
    }
    Duration wait = FIRST_WAIT.multipliedBy(1L << Math.min(20, f.count() - FREE));
    if (wait.compareTo(MAX_WAIT) > 0) {
      wait = MAX_WAIT;
    }
    Duration left = Duration.between(clock.instant(), f.last().plus(wait));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private static String userKey(String user) {
    return "u:" + user.toLowerCase(Locale.ROOT);
  }

  private static String addressKey(String address) {
    return "a:" + address;
  }
}
