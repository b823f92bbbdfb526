package dev.pier.engine.network;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandRunner;
import java.nio.file.Files;
import java.util.List;

/** Makes bridges, network namespaces and veth pairs real, through iproute2. Every method is idempotent. */
public final class HostNetwork {

  private final CommandRunner runner;
  private final HostFirewall firewall;

  public HostNetwork(CommandRunner runner) {
    this.runner = runner;
    this.firewall = new HostFirewall(runner);
  }

  /**
   * Creates the bridge if missing, gives it the gateway address and brings it up, with its {@link HostFirewall}
   * in place before anything can use it.
   */
  public void ensureBridge(String bridge, Ipv4Subnet subnet) {
    ensureBridge(bridge, subnet, null);
  }

  /**
   * The same, and with an uplink: sites in the firewall's outbound set may connect out through it. IPv4
   * forwarding is turned on for the bridge and the uplink only (per interface: the host's other interfaces
   * keep theirs), and the firewall passes nothing but those sites' connections and their answers.
   */
  public void ensureBridge(String bridge, Ipv4Subnet subnet, String uplink) {
    ensureBridge(bridge, subnet, uplink, false);
  }

  /** The same; {@code guardUplink}: see {@link HostFirewall#script(String, Ipv4Subnet, String, boolean)}. */
  public void ensureBridge(String bridge, Ipv4Subnet subnet, String uplink, boolean guardUplink) {
    firewall.ensure(bridge, subnet, uplink, guardUplink);
    if (!linkExists(bridge)) {
      runner.check(Command.of(IpCommands.addBridge(bridge)));
    }
    runner.check(Command.of(IpCommands.replaceAddress(subnet.gatewayCidr(), bridge)));
    runner.check(Command.of(IpCommands.up(bridge)));
    if (uplink != null) {
      if (!linkExists(uplink)) {
        throw new IllegalStateException("uplink interface \"" + uplink + "\" does not exist on this host");
      }
      for (String dev : java.util.List.of(bridge, uplink)) {
        java.nio.file.Path knob = java.nio.file.Path.of("/proc/sys/net/ipv4/conf", dev, "forwarding");
        try {
          java.nio.file.Files.writeString(knob, "1");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot turn on IPv4 forwarding on " + dev, e);
        }
      }
    }
  }

  /** Whether the host forwards IPv4 packets that arrive on {@code dev} (false when it cannot tell). */
  public static boolean forwards(String dev) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/conf", dev, "forwarding")).strip().equals("1");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Makes the bridge's outbound set exactly these site addresses. */
  public void setOutbound(String bridge, java.util.Collection<String> addresses) {
    firewall.setOutbound(bridge, addresses);
  }

  /** Removes a bridge; for tests and uninstall only, since every site hangs on it. */
  public void deleteBridge(String bridge) {
    if (linkExists(bridge)) {
      runner.check(Command.of(IpCommands.deleteLink(bridge)));
    }
    firewall.remove(bridge);
  }

  public boolean linkExists(String name) {
    return runner.run(Command.of(IpCommands.linkExists(name))).succeeded();
  }

  public boolean netnsExists(String netns) {
    return Files.exists(Attachment.NETNS_DIR.resolve(netns));
  }

  /**
   * Creates the site's namespace and joins it to the bridge. Anything left from an earlier attempt is removed
   * first; on failure, what this call made is removed again.
   */
  public void attach(Attachment a) {
    detach(a);
    runner.check(Command.of(IpCommands.addNetns(a.netns())));
    try {
      batch(null, IpCommands.attachHost(a));
      batch(a.netns(), IpCommands.attachInside(a));
    } catch (RuntimeException e) {
      try {
        detach(a);
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  /** Removes a network namespace, and so the interfaces in it, if it exists. */
  public void deleteNetns(String netns) {
    if (netnsExists(netns)) {
      runner.check(Command.of(IpCommands.deleteNetns(netns)));
    }
  }

  /** Runs ip commands as one batch on its stdin: one process instead of one per command, and no file to leave behind. */
  private void batch(String netns, List<String> lines) {
    runner.check(Command.of(IpCommands.batch(netns)).withInput(String.join("\n", lines) + "\n"));
  }

  /** Removes the site's veth pair and namespace, whichever exist. */
  public void detach(Attachment a) {
    if (linkExists(a.hostVeth())) {
      runner.check(Command.of(IpCommands.deleteLink(a.hostVeth())));
    }
    if (netnsExists(a.netns())) {
      runner.check(Command.of(IpCommands.deleteNetns(a.netns())));
    }
  }
}
