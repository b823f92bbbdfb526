package dev.pier.engine.runc;

import java.nio.file.Path;

/**
 * What runc reports of one container.
 *
 * @param status runc's word: {@code creating}, {@code created}, {@code running}, {@code paused} or {@code stopped}
 * @param pid    the container's init as the host sees it; 0 when stopped
 */
public record ContainerState(String id, String status, long pid, Path bundle) {

  /** Whether its processes run: a container only "created" (never started) or "paused" does not serve. */
  public boolean running() {
    return "running".equals(status);
  }
}
