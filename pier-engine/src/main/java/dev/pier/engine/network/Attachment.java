package dev.pier.engine.network;

import dev.pier.engine.rootfs.IdMap;
import java.nio.file.Path;

/**
 * How one site joins the container network: its own network namespace, a veth pair whose host end sits on the
 * bridge and whose other end is {@code eth0} inside, and the site's address. A pure value; {@link HostNetwork}
 * makes it real.
 *
 * @param netns     network namespace name, {@code INSTANCE-NAME} ({@code /run/netns/pier-NAME})
 * @param hostVeth  host end of the veth pair; interface names hold 15 characters, so it is the veth prefix and
 *                  the address's index in the subnet ({@code pv12}), and carries the namespace's name as its alias
 * @param alias     the namespace's name, {@code pier-NAME}, shown by {@code ip link}
 * @param ids       the site's user namespace, which then owns the network namespace (so the site's root may bind
 *                  port 80 and mount sysfs there, and runc may join both), kept at {@link #usernsPath()}; null: none
 */
public record Attachment(String netns, String hostVeth, String alias, String bridge, String address, int prefix, String gateway,
    IdMap ids) {

  public static final String CONTAINER_INTERFACE = "eth0";
  static final Path NETNS_DIR = Path.of("/run/netns");
  static final Path USERNS_DIR = Path.of("/run/pier-userns");
  static final Path IDS_DIR = USERNS_DIR.resolve("ids");

  /** The attachment of site {@code siteName} of the default instance: namespace and alias {@code pier-NAME}. */
  public static Attachment plan(String siteName, String address, Ipv4Subnet subnet, String bridge, String vethPrefix) {
    return of("pier-" + siteName, address, subnet, bridge, vethPrefix);
  }

  /**
   * The attachment at {@code address} in {@code subnet} on {@code bridge} whose namespace and veth alias are named
   * {@code hostName} (the site's name on the host, such as {@code pier-blog}).
   */
  public static Attachment of(String hostName, String address, Ipv4Subnet subnet, String bridge, String vethPrefix) {
    int a = Ipv4Subnet.parseAddress(address);
    if (!subnet.contains(a)) {
      throw new IllegalArgumentException("address " + address + " of \"" + hostName + "\" is outside the container network " + subnet);
    }
    String veth = vethPrefix + (a - subnet.network());
    if (veth.length() > 15) {
      throw new IllegalArgumentException("interface name \"" + veth + "\" is longer than 15 characters: use a shorter veth prefix");
    }
    return new Attachment(hostName, veth, hostName, bridge, address, subnet.prefix(), subnet.gatewayAddress(), null);
  }

  /** The same, its network namespace owned by a user namespace of {@code ids}. */
  public Attachment withUserNamespace(IdMap ids) {
    return new Attachment(netns, hostVeth, alias, bridge, address, prefix, gateway, ids);
  }

  /**
   * The container interface's MAC address, derived from its IPv4 address ({@code 02:50:} and the four bytes):
   * a site that restarts keeps its MAC, so the host's ARP cache never points at a vanished interface.
   */
  public String mac() {
    int a = Ipv4Subnet.parseAddress(address);
    return String.format("02:50:%02x:%02x:%02x:%02x", (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);
  }

  /** Path of the namespace's bind mount, as runc's spec names it. */
  public Path netnsPath() {
    return NETNS_DIR.resolve(netns);
  }

  /** Where a site's host ids are claimed: a file named by the range's first id, holding the namespace's name. */
  static Path idsClaim(IdMap ids) {
    return IDS_DIR.resolve(Integer.toUnsignedString(ids.hostBase()));
  }

  /** Path of the bind mount of the user namespace that owns the network namespace ({@link #ids}). */
  public Path usernsPath() {
    return USERNS_DIR.resolve(netns);
  }
}
