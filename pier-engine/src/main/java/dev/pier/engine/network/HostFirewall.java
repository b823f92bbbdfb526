package dev.pier.engine.network;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The host's firewall for one container bridge: an nftables table of Pier's own, {@code inet pier_BRIDGE}, so
 * that sites reach nothing on the host (not the panel, the edge, SSH or a database through the gateway
 * address) and nothing beyond it (no forwarding, even where the host forwards for others). Connections the host
 * opens to its sites, such as the edge's, still get their answers. Touches no other table.
 *
 * <p>Outbound access: when an uplink interface is named, sites whose address is in the table's {@code outbound}
 * set may open connections out through that interface only, masqueraded behind the host's address; answers
 * come back, nothing else enters. Never to the ranges of {@link Outbound#PRIVATE} (a school's own networks, cloud
 * metadata), unless in the {@code outbound_allowed} set; the resolvers of {@code outbound_dns} on port 53 only. The
 * host's own addresses are its input chain's, where sites reach nothing. Without an uplink the sets lead nowhere.
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

  /** The nft script that (re)creates the bridge's table in one atomic step, without outbound access. Pure. */
  public static String script(String bridge) {
    return script(bridge, null, null);
  }

  /**
   * The nft script that (re)creates the bridge's table in one atomic step. Pure.
   *
   * @param subnet the container network, masqueraded when it leaves through the uplink (null without uplink)
   * @param uplink the interface sites with outbound access go out through; null: no site goes anywhere
   */
  public static String script(String bridge, Ipv4Subnet subnet, String uplink) {
    return script(bridge, subnet, uplink, false);
  }

  /**
   * @param guardUplink whether Pier itself turned forwarding on for the uplink (the host did not forward there
   *                    before): then nothing that arrives on the uplink is forwarded anywhere but to the sites'
   *                    bridge, so the host does not become a router for the uplink's network
   */
  public static String script(String bridge, Ipv4Subnet subnet, String uplink, boolean guardUplink) {
    String t = table(bridge);
    String br = '"' + bridge + '"';
    List<String> lines = new ArrayList<>(List.of(
        "table inet " + t,
        "delete table inet " + t,
        "table inet " + t + " {",
        "  set outbound {",
        "    type ipv4_addr;",
        "  }",
        "  set outbound_allowed {",
        "    type ipv4_addr; flags interval;",
        "  }",
        "  set outbound_dns {",
        "    type ipv4_addr;",
        "  }",
        "  set private {",
        "    type ipv4_addr; flags interval;",
        "    elements = { " + String.join(", ", Outbound.PRIVATE) + " }",
        "  }",
        "  chain input {",
        "    type filter hook input priority 0; policy accept;",
        "    iifname " + br + " ct state established,related accept",
        "    iifname " + br + " drop",
        "  }",
        "  chain forward {",
        "    type filter hook forward priority 0; policy accept;"));
    if (uplink != null) {
      String up = '"' + uplink + '"';
      lines.addAll(List.of(
          "    iifname " + br + " oifname " + up + " ip saddr @outbound ip daddr @outbound_allowed accept",
          "    iifname " + br + " oifname " + up + " ip saddr @outbound ip daddr @outbound_dns meta l4proto { tcp, udp } th dport 53 accept",
          "    iifname " + br + " oifname " + up + " ip saddr @outbound ip daddr != @private accept",
          "    iifname " + up + " oifname " + br + " ct state established,related accept"));
      if (guardUplink) {
        lines.add("    iifname " + up + " oifname != " + br + " drop");
      }
    }
    lines.addAll(List.of(
        "    iifname " + br + " drop",
        "    oifname " + br + " drop",
        "  }"));
    if (uplink != null) {
      lines.addAll(List.of(
          "  chain postrouting {",
          "    type nat hook postrouting priority srcnat; policy accept;",
          "    ip saddr " + subnet + " oifname \"" + uplink + "\" masquerade",
          "  }"));
    }
    lines.addAll(List.of("}", ""));
    return String.join("\n", lines);
  }

  /** The nft command that makes the outbound sets exactly {@code rules}, in one transaction. Pure. */
  public static List<String> outboundCommand(String bridge, Outbound rules) {
    String t = table(bridge);
    List<String> argv = new ArrayList<>();
    set(argv, t, "outbound", rules.sites());
    set(argv, t, "outbound_allowed", rules.allowed());
    set(argv, t, "outbound_dns", rules.dns());
    return argv;
  }

  private static void set(List<String> argv, String table, String set, Collection<String> elements) {
    argv.addAll(argv.isEmpty() ? List.of("nft", "flush", "set", "inet", table, set) : List.of(";", "flush", "set", "inet", table, set));
    if (!elements.isEmpty()) {
      argv.addAll(List.of(";", "add", "element", "inet", table, set, "{", String.join(", ", new TreeSet<>(elements)), "}"));
    }
  }

  /** Makes the outbound sets exactly {@code rules}. */
  public void setOutbound(String bridge, Outbound rules) {
    runner.check(Command.of(outboundCommand(bridge, rules)));
  }

  /** Creates or replaces the bridge's table, without outbound access. */
  public void ensure(String bridge) {
    ensure(bridge, null, null);
  }

  /** Creates or replaces the bridge's table; see {@link #script(String, Ipv4Subnet, String)}. */
  public void ensure(String bridge, Ipv4Subnet subnet, String uplink) {
    ensure(bridge, subnet, uplink, false);
  }

  /** Creates or replaces the bridge's table; see {@link #script(String, Ipv4Subnet, String, boolean)}. */
  public void ensure(String bridge, Ipv4Subnet subnet, String uplink, boolean guardUplink) {
    Path file = null;
    try {
      file = Files.createTempFile("pier-nft-", ".nft");
      Files.writeString(file, script(bridge, subnet, uplink, guardUplink));
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
