package dev.pier.server.site;

/**
 * What a site's owner (or Pier on their behalf) asked for, kept apart from what the host has ({@link SiteState}).
 * The site's worker brings the host to it.
 */
public enum SiteWish {
  /** Serving: its container runs. */
  RUNNING,
  /** Stopped: nothing of it runs, and it stays so. */
  STOPPED,
  /** Stopped for being idle: the next request through the edge wishes it running again. */
  SLEEPING,
  /** Gone: everything it had on the host is removed, then its row. */
  DELETED;

  /** The settled state this wish leads to. */
  SiteState settled() {
    return switch (this) {
      case RUNNING -> SiteState.RUNNING;
      case STOPPED -> SiteState.STOPPED;
      case SLEEPING -> SiteState.SLEEPING;
      case DELETED -> SiteState.DELETING;
    };
  }

  /** The wish a row in {@code state} implies, for rows from before wishes were recorded. */
  static SiteWish implied(SiteState state) {
    return switch (state) {
      case RUNNING, STARTING -> RUNNING;
      case SLEEPING -> SLEEPING;
      case DELETING -> DELETED;
      case CREATING, STOPPED, STOPPING -> STOPPED;
    };
  }
}
