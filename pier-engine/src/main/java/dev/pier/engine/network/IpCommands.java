package dev.pier.engine.network;

import java.nio.file.Path;
import java.util.List;

/** The iproute2 argument lists Pier runs. Pure: each method only builds a list. */
public final class IpCommands {

  private IpCommands() {}

  public static List<String> linkExists(String name) {
    return List.of("ip", "link", "show", "dev", name);
  }

  /** Whether {@code ip link show} output names {@code alias} as the link's alias. Pure. */
  public static boolean hasAlias(String linkShow, String alias) {
    return linkShow.lines().map(String::strip).anyMatch(l -> l.equals("alias " + alias));
  }

  public static List<String> addBridge(String bridge) {
    return List.of("ip", "link", "add", "name", bridge, "type", "bridge");
  }

  public static List<String> replaceAddress(String cidr, String dev) {
    return List.of("ip", "address", "replace", cidr, "dev", dev);
  }

  public static List<String> up(String dev) {
    return List.of("ip", "link", "set", "dev", dev, "up");
  }

  public static List<String> deleteLink(String dev) {
    return List.of("ip", "link", "delete", "dev", dev);
  }

  public static List<String> addNetns(String netns) {
    return List.of("ip", "netns", "add", netns);
  }

  public static List<String> deleteNetns(String netns) {
    return List.of("ip", "netns", "delete", netns);
  }

  /**
   * The host's side of joining a new namespace to the bridge, as lines of an {@code ip -batch} file: the veth
   * pair with its inner end (fixed MAC) moved into the namespace, the host end named, on the bridge, up, and
   * isolated from the bridge's other ports.
   */
  public static List<String> attachHost(Attachment a) {
    return List.of(
        "link add name " + a.hostVeth() + " type veth peer name " + Attachment.CONTAINER_INTERFACE + " address " + a.mac() + " netns " + a.netns(),
        "link set dev " + a.hostVeth() + " alias " + a.alias(),
        "link set dev " + a.hostVeth() + " master " + a.bridge() + " up",
        // An isolated bridge port talks to the bridge (the host) only, never to another site's port.
        "link set dev " + a.hostVeth() + " type bridge_slave isolated on");
  }

  /** The namespace's side, as lines of an {@code ip -n NETNS -batch} file: loopback, the address, the default route. */
  public static List<String> attachInside(Attachment a) {
    String eth = Attachment.CONTAINER_INTERFACE;
    return List.of(
        "link set dev lo up",
        "address add " + a.address() + "/" + a.prefix() + " dev " + eth,
        "link set dev " + eth + " up",
        "route add default via " + a.gateway() + " dev " + eth);
  }

  /**
   * A helper that makes a user namespace and a network namespace it owns, in one call, then prints a line and waits
   * on its stdin, while its namespaces are given their maps and kept ({@link #keep}) from outside.
   */
  public static List<String> addOwnedNetns() {
    return List.of("unshare", "--user", "--net", "--", "cat", "/proc/version", "-");
  }

  /** Keeps a namespace of process {@code pid} ({@code type}: net, user) at {@code file}, as {@code ip netns add} does. */
  public static List<String> keep(long pid, String type, Path file) {
    return List.of("mount", "--bind", "/proc/" + pid + "/ns/" + type, file.toString());
  }

  /** {@code ip} reading its commands from stdin, one per line (in {@code netns} unless null). */
  public static List<String> batch(String netns) {
    return netns == null ? List.of("ip", "-batch", "-") : List.of("ip", "-n", netns, "-batch", "-");
  }
}
