package dev.pier.server.image;

import java.time.Instant;
import java.util.Locale;

/**
 * One build of an image, as the panel and API show it.
 *
 * @param state    queued, building, ready or failed
 * @param step     debootstrap's or Pier's latest step ("Retrieving apache2", "Configuring php8.2") while it builds
 * @param error    why it failed
 */
public record ImageBuild(String version, State state, Instant startedAt, Instant finishedAt, String step, String error) {

  public enum State {
    QUEUED, BUILDING, READY, FAILED;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean active() {
    return state == State.QUEUED || state == State.BUILDING;
  }
}
