package dev.pier.server.plan;

import dev.pier.engine.limits.Limits;
import java.util.regex.Pattern;

/**
 * A resource plan: what each site on it may use. CPU, memory (no swap beyond it) and processes are enforced
 * through the site's cgroup, {@code diskBytes} as the size of the site's own file system; {@code outbound} lets its
 * running sites open connections out through the uplink. Validated on construction.
 */
public record Plan(String name, double cpus, long memoryBytes, int pids, long diskBytes, boolean outbound) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

  public Plan {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("plan name \"" + name + "\" is not valid: use 1-32 lowercase letters, digits and hyphens");
    }
    limits(cpus, memoryBytes, pids);
    if (diskBytes < (16L << 20)) {
      throw new IllegalArgumentException("disk of " + diskBytes + " bytes is too small: give at least 16 MiB");
    }
  }

  private static Limits limits(double cpus, long memoryBytes, int pids) {
    return new Limits(cpus, memoryBytes, pids);
  }

  /** The cgroup limits a site on this plan runs under. */
  public Limits limits() {
    return limits(cpus, memoryBytes, pids);
  }
}
