package dev.pier.server.site;

/**
 * A site's state as users see it. The words ending in -ING record an operation in progress: they are written
 * before the host is touched, so that after a crash the reconciler knows what to finish.
 */
public enum SiteState {
  CREATING, STOPPED, STARTING, RUNNING, STOPPING, DELETING,
  /** Stopped for being idle: the next request starts it again (the edge holds that request meanwhile). */
  SLEEPING;

  /** Whether an operation is under way. */
  public boolean busy() {
    return this == CREATING || this == STARTING || this == STOPPING || this == DELETING;
  }
}
