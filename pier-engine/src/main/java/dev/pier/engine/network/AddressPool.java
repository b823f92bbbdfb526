package dev.pier.engine.network;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Picks container addresses from a subnet: the lowest host address that is neither the gateway nor taken. Pure. */
public final class AddressPool {

  private final Ipv4Subnet subnet;

  public AddressPool(Ipv4Subnet subnet) {
    this.subnet = subnet;
  }

  /**
   * The lowest free address, or empty when the network is full.
   *
   * @param taken dotted addresses already held by sites (addresses outside the subnet are ignored)
   */
  public Optional<String> lowestFree(Collection<String> taken) {
    Set<Integer> used = new HashSet<>();
    for (String t : taken) {
      used.add(Ipv4Subnet.parseAddress(t));
    }
    for (int a = subnet.firstHost(); a <= subnet.lastHost(); a++) {
      if (a != subnet.gateway() && !used.contains(a)) {
        return Optional.of(Ipv4Subnet.format(a));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code address} is one this pool may hand out. */
  public boolean isAssignable(String address) {
    int a = Ipv4Subnet.parseAddress(address);
    return subnet.contains(a) && a >= subnet.firstHost() && a <= subnet.lastHost() && a != subnet.gateway();
  }

  public Ipv4Subnet subnet() {
    return subnet;
  }
}
