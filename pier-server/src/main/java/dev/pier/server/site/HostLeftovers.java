package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.runc.ContainerState;
import dev.pier.engine.site.SiteName;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Whether a site that should have nothing on the host has something there (a container, a mount, a network
 * namespace). The host's containers and mounts are read once for the many sites a reconciliation checks, and read
 * again after {@link #FRESH_MILLIS}.
 */
@Component
class HostLeftovers {

  static final long FRESH_MILLIS = 2000;

  private record Snapshot(long at, Set<String> containers, List<Path> mounts) {}

  private final SiteEngine engine;
  private volatile Snapshot snapshot;

  HostLeftovers(SiteEngine engine) {
    this.engine = engine;
  }

  boolean has(SiteName name) {
    return has(name, true);
  }

  /** {@link #has}, counting mounts only when {@code withMounts} (a stopped site's disk a content call mounted is none). */
  boolean has(SiteName name, boolean withMounts) {
    Snapshot s = snapshot;
    long now = System.nanoTime() / 1_000_000;
    if (s == null || now - s.at() > FRESH_MILLIS) {
      Set<String> ids = new HashSet<>();
      for (ContainerState c : engine.ownContainers()) {
        ids.add(c.id());
      }
      s = new Snapshot(now, ids, engine.mountPoints());
      snapshot = s;
    }
    return engine.hasLeftovers(name, s.containers(), withMounts ? s.mounts() : List.of());
  }
}
