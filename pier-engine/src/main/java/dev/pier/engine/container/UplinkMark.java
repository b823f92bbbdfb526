package dev.pier.engine.container;

import dev.pier.engine.network.SiteNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pier's note that it turned forwarding on for the uplink, {@code DATA/uplink-forwarding-turned-on-by-pier}. */
final class UplinkMark {

  private UplinkMark() {}

  /**
   * Whether the host forwarded on its uplink before Pier: if not (or Pier noted earlier that it turned it on), the
   * firewall keeps the uplink from forwarding anywhere but to the sites.
   */
  static boolean guard(Path dataDir, SiteNetwork network, String uplink) {
    Path mark = dataDir.resolve("uplink-forwarding-turned-on-by-pier");
    try {
      if (!network.forwards(uplink)) {
        Files.writeString(mark, uplink + "\n");
      }
      return Files.exists(mark) && Files.readString(mark).strip().equals(uplink);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + mark, e);
    }
  }
}
