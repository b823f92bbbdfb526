package dev.pier.engine.rootfs;

/**
 * A site's user namespace: its ids 0 to {@link #SIZE} - 1 are the host's {@code hostBase} and up, a range no host
 * account has. The range comes from the site's container address ({@link #forAddress}): its low 14 bits (modulo
 * {@link #SLOTS}) pick a slot from the host's id 2^30 (1,073,741,824) up, so the sites of a subnet up to a /18 each
 * have their own, and keep it as long as their address. Two sites that would share one (two Pier instances on one
 * host with subnets equal in their low 14 bits, or a larger subnet) are told apart when they start: the network's
 * driver claims each range for one running site. Pure.
 *
 * @param hostBase the host id of the site's root
 */
public record IdMap(int hostBase) {

  /** The ids each site has, as many as a Debian system uses (nobody is 65534). */
  public static final int SIZE = 65536;
  /** The first host id of the first slot: far above any account's (LXD and Incus start at a million). */
  public static final int FIRST = 1 << 30;
  /** 2^14 slots but the last two, whose ids systemd keeps for "foreign" files (0x7FFE0000 and up). */
  static final int SLOTS = (1 << 14) - 2;

  public IdMap {
    if (hostBase < FIRST || (hostBase - FIRST) % SIZE != 0 || (hostBase - FIRST) / SIZE >= SLOTS) {
      throw new IllegalArgumentException("host id " + hostBase + " does not start a site's id range");
    }
  }

  /** The range of the site at this IPv4 address ({@code 10.1.1.7}). */
  public static IdMap forAddress(String ipv4) {
    String[] octets = ipv4.split("\\.");
    if (octets.length != 4) {
      throw new IllegalArgumentException("\"" + ipv4 + "\" is not an IPv4 address");
    }
    int low = Integer.parseInt(octets[2]) << 8 | Integer.parseInt(octets[3]);
    return new IdMap(FIRST + (low % SLOTS) * SIZE);
  }

  /** The host id of the site's {@code id}. */
  public int host(int id) {
    if (id < 0 || id >= SIZE) {
      throw new IllegalArgumentException("id " + id + " is outside a site's " + SIZE + " ids");
    }
    return hostBase + id;
  }

  /** The site's id of host id {@code hostId}, or -1 when the site has no such id. */
  public int inside(long hostId) {
    long id = hostId - hostBase;
    return id >= 0 && id < SIZE ? (int) id : -1;
  }

  /** The line of {@code /proc/PID/uid_map} (and gid_map) that makes this namespace. */
  public String procLine() {
    return "0 " + Integer.toUnsignedString(hostBase) + " " + SIZE + "\n";
  }
}
