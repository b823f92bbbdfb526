package dev.pier.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing, for every way in (the panel, the API, SSH): after {@link #FREE} failed logins in a row
 * for one user name from one client address, further attempts for that name from that address are refused unchecked
 * for a while, twice as long after each failure, up to {@link #MAX_WAIT}; after {@link #FREE_PER_ADDRESS} failures
 * from one address, whatever the names, so are all its attempts (guessing across names). Never per name alone: a
 * stranger's wrong passwords must not lock the real user out from where they log in. A success clears its name's
 * count at its address. Pure, given its clock.
 */
@Component
public final class LoginThrottle {

  /** Failures of one name from one address allowed before any wait. */
  public static final int FREE = 5;
  /** Failures from one address, any names, allowed before any wait: a school's pupils may share one address. */
  public static final int FREE_PER_ADDRESS = 50;
  static final Duration FIRST_WAIT = Duration.ofSeconds(2);
  static final Duration MAX_WAIT = Duration.ofMinutes(15);
  /** A record of failures older than this is forgotten. */
  static final Duration FORGET = Duration.ofHours(1);

  private record Failures(int count, Instant last) {}

  private final Clock clock;
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  @Autowired
  LoginThrottle() {
    this(Clock.systemUTC());
  }

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** A name worth checking: what a directory's user name can be, not a page of text for the throttle to remember. */
  public static boolean plausibleName(String user) {
    return user != null && NAME.matcher(user).matches();
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  /**
   * Starts a log-in attempt of {@code user} from {@code address}: zero when its password may be checked now, and it
   * is then counted as a failure until {@link #succeeded} or {@link #undone} says otherwise (so that guesses sent at
   * once cannot all pass before the first failure is counted); else how long it must still wait.
   */
  public synchronized Duration attempt(String user, String address) {
    Duration wait = wait(user, address);
    if (wait.isZero()) {
      failed(user, address);
    }
    return wait;
  }

  /** How long {@code user} from {@code address} must still wait before a password is checked; zero when it may now. */
  Duration wait(String user, String address) {
    Duration a = waitFor(pairKey(user, address), FREE);
    Duration b = waitFor(addressKey(address), FREE_PER_ADDRESS);
    return a.compareTo(b) >= 0 ? a : b;
  }

  void failed(String user, String address) {
    Instant now = clock.instant();
    for (String key : new String[] {pairKey(user, address), addressKey(address)}) {
      failures.compute(key, (k, f) -> f == null || f.last().plus(FORGET).isBefore(now) ? new Failures(1, now) : new Failures(f.count() + 1, now));
    }
    if (failures.size() > 100_000) {
      failures.entrySet().removeIf(e -> e.getValue().last().plus(FORGET).isBefore(now));
    }
  }

  /** The attempt succeeded: its name's count at its address is cleared; the address keeps its other failures. */
  public synchronized void succeeded(String user, String address) {
    failures.remove(pairKey(user, address));
    uncount(addressKey(address));
  }

  /** The attempt could not be checked (the directory did not answer): it is not counted. */
  public synchronized void undone(String user, String address) {
    uncount(pairKey(user, address));
    uncount(addressKey(address));
  }

  private void uncount(String key) {
    failures.computeIfPresent(key, (k, f) -> f.count() <= 1 ? null : new Failures(f.count() - 1, f.last()));
  }

  private Duration waitFor(String key, int free) {
    Failures f = failures.get(key);
    if (f == null || f.count() < free) {
      return Duration.ZERO;
    }
    Duration wait = FIRST_WAIT.multipliedBy(1L << Math.min(20, f.count() - free));
    if (wait.compareTo(MAX_WAIT) > 0) {
      wait = MAX_WAIT;
    }
    Duration left = Duration.between(clock.instant(), f.last().plus(wait));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private static String pairKey(String user, String address) {
    return "u:" + user.toLowerCase(Locale.ROOT) + " a:" + address;
  }

  private static String addressKey(String address) {
    return "a:" + address;
  }
}
