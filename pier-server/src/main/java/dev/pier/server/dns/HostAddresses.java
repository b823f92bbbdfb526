package dev.pier.server.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The host's public addresses, read from its interfaces (nothing is sent anywhere). */
final class HostAddresses {

  private HostAddresses() {}

  /** Every public IPv4 and global IPv6 address of an interface that is up, IPv4 first. */
  static List<InetAddress> detect() {
    List<InetAddress> v4 = new ArrayList<>();
    List<InetAddress> v6 = new ArrayList<>();
    try {
      for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!i.isUp() || i.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(i.getInetAddresses())) {
          if (isPublic(a)) {
            (a instanceof Inet4Address ? v4 : v6).add(a instanceof Inet6Address six ? stripScope(six) : a);
          }
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    List<InetAddress> out = new ArrayList<>(v4.stream().distinct().toList());
    out.addAll(v6.stream().distinct().toList());
    return out;
  }

  /** Whether {@code a} is reachable from the internet by its kind: not private, CGNAT, link-local, loopback nor ULA. Pure. */
  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return !(first == 100 && second >= 64 && second < 128) && first != 0 && first < 224;
    }
    return (b[0] & 0xfe) != 0xfc && (b[0] & 0xe0) == 0x20; // global unicast 2000::/3, never fc00::/7
  }

  private static InetAddress stripScope(Inet6Address a) {
    try {
      return InetAddress.getByAddress(a.getAddress());
    } catch (java.net.UnknownHostException e) {
      return a;
    }
  }
}
