package dev.pier.engine.network;

import java.util.List;

/** The iproute2 argument lists Pier runs. Pure: each method only builds a list. */
public final class IpCommands {

  private IpCommands() {}

  public static List<String> linkExists(String name) {
    return List.of("ip", "link", "show", "dev", name);
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

  /** Every command that joins a new namespace to the bridge, in order. */
  public static List<List<String>> attach(Attachment a) {
    String eth = Attachment.CONTAINER_INTERFACE;
    return List.of(
        List.of("ip", "-n", a.netns(), "link", "set", "dev", "lo", "up"),
        List.of("ip", "link", "add", "name", a.hostVeth(), "type", "veth", "peer", "name", eth, "address", a.mac(), "netns", a.netns()),
        List.of("ip", "link", "set", "dev", a.hostVeth(), "alias", a.alias()),
        List.of("ip", "link", "set", "dev", a.hostVeth(), "master", a.bridge(), "up"),
        List.of("ip", "-n", a.netns(), "address", "add", a.address() + "/" + a.prefix(), "dev", eth),
        List.of("ip", "-n", a.netns(), "link", "set", "dev", eth, "up"),
        List.of("ip", "-n", a.netns(), "route", "add", "default", "via", a.gateway(), "dev", eth));
  }
}
