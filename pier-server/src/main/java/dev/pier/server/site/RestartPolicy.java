package dev.pier.server.site;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What Pier does when a running site's container exits by itself: {@code never} leaves it stopped;
 * {@code on-failure} starts it again unless its server ended with status 0; {@code always} starts it again in any
 * case. Restarts back off, doubling, and stop after a limit.
 */
public enum RestartPolicy {
  NEVER("never"), ON_FAILURE("on-failure"), ALWAYS("always");

  private final String word;

  RestartPolicy(String word) {
    this.word = word;
  }

  /** The API's word: {@code never}, {@code on-failure} or {@code always}. */
  @JsonValue
  public String word() {
    return word;
  }

  public static RestartPolicy of(String word) {
    for (RestartPolicy p : values()) {
      if (p.word.equals(word)) {
        return p;
      }
    }
    throw new IllegalArgumentException("restart policy \"" + word + "\" is not one of "
        + Arrays.stream(values()).map(RestartPolicy::word).collect(Collectors.joining(", ")));
  }
}
