package dev.pier.engine.network;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's firewall for one container bridge: an nftables table of Pier's own, {@code inet pier_BRIDGE}, so
 * that sites reach nothing on the host (not the panel, the edge, SSH or a database through the gateway
 * address) and nothing beyond it (no forwarding, even where the host forwards for others). Connections the host
 * opens to its sites, such as the edge's, still get their answers. Touches no other table.
 */
public final class HostFirewall {

  private final CommandRunner runner;

  public HostFirewall(CommandRunner runner) {
    this.runner = runner;
  }

  /** The table's name for a bridge: {@code pier_} and the bridge name with anything but letters and digits as '_'. */
  public static String table(String bridge) {
    return "pier_" + bridge.replaceAll("[^A-Za-z0-9]", "_");
  }

  /** The nft script that (re)creates the bridge's table in one atomic step. Pure. */
  public static String script(String bridge) {
    String t = table(bridge);
    String br = '"' + bridge + '"';
    return String.join("\n", List.of(
        "table inet " + t,
        "delete table inet " + t,
        "table inet " + t + " {",
        "  chain input {",
        "    type filter hook input priority 0; policy accept;",
        "    iifname " + br + " ct state established,related accept",
        "    iifname " + br + " drop",
        "  }",
        "  chain forward {",
        "    type filter hook forward priority 0; policy accept;",
        "    iifname " + br + " drop",
        "    oifname " + br + " drop",
        "  }",
        "}", ""));
  }

  /** Creates or replaces the bridge's table. */
  public void ensure(String bridge) {
    Path file = null;
    try {
      file = Files.createTempFile("pier-nft-", ".nft");
      Files.writeString(file, script(bridge));
      runner.check(Command.of("nft", "-f", file.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the firewall rules for bridge " + bridge, e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file left behind is harmless
        }
      }
    }
  }

  /** Removes the bridge's table, if there is one. */
  public void remove(String bridge) {
    if (runner.run(Command.of("nft", "list", "table", "inet", table(bridge))).succeeded()) {
      runner.check(Command.of("nft", "delete", "table", "inet", table(bridge)));
    }
  }
}
