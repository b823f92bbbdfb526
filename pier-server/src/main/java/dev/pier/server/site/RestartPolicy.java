package dev.pier.server.site;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What Pier does when a running site's container exits by itself. A web server that exits on its own has
 * failed (its exit status is not known to Pier: the container outlives any one Pier process), so
 * {@code on-failure} and {@code always} both start it again, with doubling back-off and a limit.
 */
public enum RestartPolicy {
  NEVER("never"), ON_FAILURE("on-failure"), ALWAYS("always");

  private final String word;

  RestartPolicy(String word) {
    this.word = word;
  }

  /** The API's word: {@code never}, {@code on-failure} or {@code always}. */
  @com.fasterxml.jackson.annotation.JsonValue
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
