package dev.pier.engine.container;

/**
 * A site that failed by its own doing: its program exited while starting, or did not answer in time. Its message
 * speaks of the site and its own output only, so it is the site owner's to read; any other failure of the host may
 * carry commands and paths, and is not.
 */
public final class SiteFault extends IllegalStateException {

  public SiteFault(String message) {
    super(message);
  }
}
