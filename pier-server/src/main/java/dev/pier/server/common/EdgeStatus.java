package dev.pier.server.common;

import java.time.Duration;
import java.util.Optional;

/** What the rest of Pier may ask of the running edge. */
public interface EdgeStatus {

  /** The edge's actual HTTP port (differs from the configured one when that is 0). */
  int httpPort();

  /** The edge's actual HTTPS port, or -1 without HTTPS. */
  int httpsPort();

  /** How long ago the site last had traffic through the edge; empty if none since Pier started. */
  Optional<Duration> idleFor(String site);
}
