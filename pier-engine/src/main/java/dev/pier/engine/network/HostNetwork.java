package dev.pier.engine.network;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandFailedException;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/** The real {@link SiteNetwork}: bridges, network namespaces and veth pairs through iproute2, the firewall through nft. */
public final class HostNetwork implements SiteNetwork {

  private static final Path FORWARDING = Path.of("/proc/sys/net/ipv4/conf");

  private final CommandRunner runner;
  private final HostFirewall firewall;

  public HostNetwork(CommandRunner runner) {
    this.runner = runner;
    this.firewall = new HostFirewall(runner);
  }

  /** Creates the bridge if missing, gives it the gateway address and brings it up; no uplink. */
  public void ensureBridge(String bridge, Ipv4Subnet subnet) {
    ensureBridge(bridge, subnet, null, false);
  }

  /**
   * {@inheritDoc} With an uplink, IPv4 forwarding is turned on for the bridge and the uplink only (per interface:
   * the host's other interfaces keep theirs), and the firewall passes nothing but outbound sites' connections and
   * their answers.
   */
  @Override
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
      for (String dev : List.of(bridge, uplink)) {
        try {
          Files.writeString(FORWARDING.resolve(dev).resolve("forwarding"), "1");
        } catch (IOException e) {
          throw new UncheckedIOException("cannot turn on IPv4 forwarding on " + dev, e);
        }
      }
    }
  }

  @Override
  public boolean forwards(String dev) {
    try {
      return Files.readString(FORWARDING.resolve(dev).resolve("forwarding")).strip().equals("1");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void setOutbound(String bridge, Outbound rules) {
    firewall.setOutbound(bridge, rules);
  }

  /** Removes a bridge and its firewall table; for tests and uninstall only, since every site hangs on it. */
  public void deleteBridge(String bridge) {
    if (linkExists(bridge)) {
      runner.check(Command.of(IpCommands.deleteLink(bridge)));
    }
    firewall.remove(bridge);
  }

  public boolean linkExists(String name) {
    return runner.run(Command.of(IpCommands.linkExists(name))).succeeded();
  }

  /** Whether the network namespace, or the user namespace kept for it, is there. */
  @Override
  public boolean netnsExists(String netns) {
    return Files.exists(Attachment.NETNS_DIR.resolve(netns)) || Files.exists(Attachment.USERNS_DIR.resolve(netns));
  }

  /**
   * Claims the site's host ids on this host ({@code /run/pier-userns/ids/BASE} names the namespace they are for): two
   * running sites never share them, whatever instance runs them. A claim whose namespace is gone is taken over.
   */
  private void claimIds(Attachment a) {
    Path claim = Attachment.idsClaim(a.ids());
    try {
      Files.createDirectories(claim.getParent());
      try {
        Files.writeString(claim, a.netns(), StandardOpenOption.CREATE_NEW);
      } catch (FileAlreadyExistsException taken) {
        String owner = Files.readString(claim).strip();
        if (!owner.equals(a.netns()) && owner.matches("[a-z0-9-]{1,80}") && netnsExists(owner)) {
          throw new IllegalStateException("site " + a.netns() + " at " + a.address() + " would have the host ids from "
              + Integer.toUnsignedString(a.ids().hostBase()) + ", which " + owner + " has: give one of them another address"
              + " (two Pier instances on one host need subnets that differ in their last 14 bits)");
        }
        Files.writeString(claim, a.netns());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot claim the host ids of " + a.netns() + " in " + claim, e);
    }
  }

  @Override
  public void attach(Attachment a) {
    detach(a);
    try {
      if (a.ids() == null) {
        runner.check(Command.of(IpCommands.addNetns(a.netns())));
      } else {
        addOwnedNetns(a);
      }
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

  /** The site's network namespace, owned by its user namespace (both kept as files, as {@code ip netns add} keeps one). */
  private void addOwnedNetns(Attachment a) {
    claimIds(a);
    Command helper = Command.of(IpCommands.addOwnedNetns()).withTimeout(Duration.ofSeconds(10));
    try {
      for (Path file : new Path[] {a.netnsPath(), a.usernsPath()}) {
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[0]);
      }
      try (CommandRunner.Running ns = runner.start(helper)) {
        if (ns.readLine() == null) {
          throw new CommandFailedException(helper, "ended before making the namespaces of " + a.netns() + ": " + ns.errors(), null);
        }
        Path proc = Path.of("/proc", Long.toString(ns.pid()));
        Files.writeString(proc.resolve("uid_map"), a.ids().procLine());
        Files.writeString(proc.resolve("gid_map"), a.ids().procLine());
        runner.check(Command.of(IpCommands.keep(ns.pid(), "user", a.usernsPath())));
        runner.check(Command.of(IpCommands.keep(ns.pid(), "net", a.netnsPath())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the namespaces of " + a.netns(), e);
    }
  }

  @Override
  public void deleteNetns(String netns) {
    removeNamespaces(netns);
    try (var claims = Files.isDirectory(Attachment.IDS_DIR) ? Files.list(Attachment.IDS_DIR) : java.util.stream.Stream.<Path>empty()) {
      for (Path c : claims.toList()) { // (its ids unknown here: a leftover's, known by its name alone)
        release(c, netns);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give back the host ids of " + netns, e);
    }
  }

  /** The network namespace and the user namespace kept for it, whichever is there. */
  private void removeNamespaces(String netns) {
    if (Files.exists(Attachment.NETNS_DIR.resolve(netns))) {
      runner.check(Command.of(IpCommands.deleteNetns(netns)));
    }
    Path userns = Attachment.USERNS_DIR.resolve(netns);
    if (Files.exists(userns)) {
      runner.run(Command.of("umount", userns.toString())); // (not mounted when a crash came before the helper's mounts)
      try {
        Files.deleteIfExists(userns);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + userns, e);
      }
    }
  }

  /** Gives back the claim {@code claim} if it is {@code netns}'s. */
  private static void release(Path claim, String netns) {
    try {
      if (Files.isRegularFile(claim) && Files.readString(claim).strip().equals(netns)) {
        Files.deleteIfExists(claim);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give back the host ids of " + netns + " (" + claim + ")", e);
    }
  }

  /** Runs ip commands as one batch on its stdin: one process instead of one per command, and no file to leave behind. */
  private void batch(String netns, List<String> lines) {
    runner.check(Command.of(IpCommands.batch(netns)).withInput(String.join("\n", lines) + "\n"));
  }

  /**
   * {@inheritDoc} A link of that name that carries another alias belongs to someone else (another Pier instance,
   * say) and is left alone; one without alias is this site's if a crash came between its creation and its alias,
   * and then goes with the namespace its peer is in.
   */
  @Override
  public void detach(Attachment a) {
    CommandResult link = runner.run(Command.of(IpCommands.linkExists(a.hostVeth())));
    if (link.succeeded() && IpCommands.hasAlias(link.stdout(), a.alias())) {
      runner.check(Command.of(IpCommands.deleteLink(a.hostVeth())));
    }
    removeNamespaces(a.netns());
    if (a.ids() != null) {
      release(Attachment.idsClaim(a.ids()), a.netns());
    }
  }
}
