package dev.pier.engine.container;

import dev.pier.engine.runc.ContainerState;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What is on the host of one site, as {@link SiteEngine#observe} read it.
 *
 * @param phase      running; exited (its container is there but ended, by itself or killed); or absent (no container)
 * @param container  what the runtime said, if it knows the container
 * @param exitStatus the status its server recorded when it ended (not while running)
 * @param oomKills   how often the OOM killer struck in its cgroup (not while running)
 */
public record SiteStatus(Phase phase, Optional<ContainerState> container, OptionalInt exitStatus, long oomKills) {

  public enum Phase { RUNNING, EXITED, ABSENT }

  public boolean running() {
    return phase == Phase.RUNNING;
  }
}
