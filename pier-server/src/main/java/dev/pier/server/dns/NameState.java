package dev.pier.server.dns;

import dev.pier.server.common.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where one of Pier's names stands in DNS.
 *
 * @param name        the name, without its final dot
 * @param state       {@code published} (the server holds the records), {@code pending} (not yet, or the server does
 *                    not answer: tried again at {@code nextAttempt}) or {@code failed} (the server refused: {@code reason}
 *                    gives its answer; tried again at {@code nextAttempt})
 * @param reason      why not published (null when it is)
 * @param records     the records Pier keeps there, as zone-file lines
 * @param since       when it came to this state
 * @param nextAttempt the next try (null: none planned)
 * @param failures    failed tries in a row
 */
public record NameState(String name, String state, String reason, List<String> records, Instant since, Instant nextAttempt, int failures) {

  public static final String PUBLISHED = "published";
  public static final String PENDING = "pending";
  public static final String FAILED = "failed";

  static NameState pending(String name, List<String> records, String reason) {
    return new NameState(name, PENDING, reason, records, Instant.now(), null, 0);
  }

  static NameState published(String name, List<String> records) {
    return new NameState(name, PUBLISHED, null, records, Instant.now(), null, 0);
  }

  /** The next state after a failed try ({@code refused}: the server answered no; else it did not answer). */
  NameState failedAgain(boolean refused, String why, Duration retryMin, Duration retryMax) {
    int n = failures + 1;
    Duration wait = Backoff.delay(n, retryMin, retryMax);
    return new NameState(name, refused ? FAILED : PENDING, why + "; trying again in " + wait.toSeconds() + " s", records,
        state.equals(refused ? FAILED : PENDING) ? since : Instant.now(), Instant.now().plus(wait), n);
  }
}
