package dev.pier.engine.network;


/**
 * The host's container network as the engine drives it: the bridge with its firewall, and each site's network
 * namespace joined to it by a veth pair. {@link HostNetwork} is the real one (iproute2 and nftables); tests use
 * an in-memory one. Every method is idempotent.
 */
public interface SiteNetwork {

  /**
   * Creates the bridge if missing, gives it the gateway address and brings it up, its firewall in place first.
   *
   * @param uplink      the interface sites with outbound access go out through; null: none
   * @param guardUplink see {@link HostFirewall#script(String, Ipv4Subnet, String, boolean)}
   */
  void ensureBridge(String bridge, Ipv4Subnet subnet, String uplink, boolean guardUplink);

  /** Whether the host forwards IPv4 packets that arrive on {@code dev} (false when it cannot tell). */
  boolean forwards(String dev);

  /** Makes the bridge's outbound sets exactly {@code rules}: which sites go out, and where beyond public addresses. */
  void setOutbound(String bridge, Outbound rules);

  /**
   * Creates the site's namespace and joins it to the bridge. Anything left from an earlier attempt is removed
   * first; on failure, what this call made is removed again.
   */
  void attach(Attachment a);

  /** Removes the site's veth pair (only if it carries this attachment's alias) and its namespace, whichever exist. */
  void detach(Attachment a);

  boolean netnsExists(String netns);

  /** Removes a network namespace, and so the interfaces in it, if it exists. */
  void deleteNetns(String netns);
}
