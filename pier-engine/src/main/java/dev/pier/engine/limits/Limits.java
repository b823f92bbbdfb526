package dev.pier.engine.limits;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one site may use: a share of CPU time, a hard memory limit (no swap beyond it) and a number of
 * processes. Validated on construction; translated to the OCI spec's {@code linux.resources} by
 * {@link #toOciResources()}, which runc applies to cgroup v1 and v2 alike.
 *
 * @param cpus        fraction of one core's time, such as 0.5
 * @param memoryBytes hard memory limit
 * @param pids        most processes and threads at once
 */
public record Limits(double cpus, long memoryBytes, int pids) {

  /** The CFS period the CPU quota is a fraction of: 100 ms, the kernel's default. */
  public static final long CPU_PERIOD_US = 100_000;
  public static final Limits DEFAULT = new Limits(0.5, 128L << 20, 64);

  public Limits {
    if (!(cpus >= 0.01 && cpus <= 1024)) {
      throw new IllegalArgumentException("CPU limit " + cpus + " is not usable: give a fraction of cores from 0.01 up");
    }
    if (memoryBytes < (8L << 20)) {
      throw new IllegalArgumentException("memory limit of " + memoryBytes + " bytes is too small: give at least 8 MiB");
    }
    if (pids < 4) {
      throw new IllegalArgumentException("process limit " + pids + " is too small: give at least 4");
    }
  }

  public long cpuQuotaUs() {
    return Math.round(cpus * CPU_PERIOD_US);
  }

  /** The OCI {@code linux.resources} object (without devices). Pure. */
  public Map<String, Object> toOciResources() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("memory", Map.of("limit", memoryBytes, "swap", memoryBytes));
    r.put("cpu", Map.of("quota", cpuQuotaUs(), "period", CPU_PERIOD_US));
    r.put("pids", Map.of("limit", pids));
    return r;
  }
}
