package dev.pier.server.site;

/**
 * What one user may have: sites, the disk their plans promise in all, and sites created in a day (deleted ones
 * count). Checked on construction.
 */
public record Quota(int maxSites, long maxDiskBytes, int maxCreatesPerDay) {

  public Quota {
    if (maxSites < 0 || maxDiskBytes < 0 || maxCreatesPerDay < 0) {
      throw new IllegalArgumentException("a quota's limits are 0 or more (0: none allowed)");
    }
  }

  /** The most generous of both, limit by limit: what a member of two groups gets. */
  Quota orMore(Quota other) {
    return new Quota(Math.max(maxSites, other.maxSites), Math.max(maxDiskBytes, other.maxDiskBytes),
        Math.max(maxCreatesPerDay, other.maxCreatesPerDay));
  }
}
