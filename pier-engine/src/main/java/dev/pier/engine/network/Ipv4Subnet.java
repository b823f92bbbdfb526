package dev.pier.engine.network;

/**
 * An IPv4 network in CIDR form, such as {@code 10.1.1.0/24}, with the gateway address the host bridge holds
 * in it. Validated on construction.
 */
public record Ipv4Subnet(int network, int prefix, int gateway) {

  public Ipv4Subnet {
    if (prefix < 8 || prefix > 30) {
      throw new IllegalArgumentException("container network prefix /" + prefix + " is not usable: use /8 to /30");
    }
    if ((network & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException("container network " + format(network) + "/" + prefix
          + " has host bits set: use " + format(network & mask(prefix)) + "/" + prefix);
    }
    if ((gateway & mask(prefix)) != network || gateway == network || gateway == (network | ~mask(prefix))) {
      throw new IllegalArgumentException("gateway " + format(gateway) + " is not a host address of " + format(network) + "/" + prefix);
    }
  }

  /** Parses {@code "10.1.1.0/24"} and a gateway such as {@code "10.1.1.254"}. */
  public static Ipv4Subnet parse(String cidr, String gateway) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("container network \"" + cidr + "\" is not in CIDR form: write it like 10.1.1.0/24");
    }
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("container network \"" + cidr + "\" has no valid prefix length: write it like 10.1.1.0/24");
    }
    return new Ipv4Subnet(parseAddress(cidr.substring(0, slash)), prefix, parseAddress(gateway));
  }

  public static int parseAddress(String dotted) {
    String[] parts = dotted.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("\"" + dotted + "\" is not an IPv4 address");
    }
    int a = 0;
    for (String p : parts) {
      int v;
      try {
        v = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + dotted + "\" is not an IPv4 address");
      }
      if (v < 0 || v > 255 || p.length() > 3 || p.isEmpty()) {
        throw new IllegalArgumentException("\"" + dotted + "\" is not an IPv4 address");
      }
      a = (a << 8) | v;
    }
    return a;
  }

  public static String format(int address) {
    return ((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255);
  }

  static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  public boolean contains(int address) {
    return (address & mask(prefix)) == network;
  }

  /** First and last addresses a container may hold: every host address but the gateway's. */
  public int firstHost() {
    return network + 1;
  }

  public int lastHost() {
    return (network | ~mask(prefix)) - 1;
  }

  /** How many containers fit: host addresses less the gateway. */
  public int capacity() {
    return lastHost() - firstHost();
  }

  public String gatewayAddress() {
    return format(gateway);
  }

  /** The gateway with its prefix, as the bridge holds it: {@code 10.1.1.254/24}. */
  public String gatewayCidr() {
    return format(gateway) + "/" + prefix;
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefix;
  }
}
