package dev.pier.engine.container;

import dev.pier.engine.network.Ipv4Subnet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where and how the engine puts sites on this host.
 *
 * @param dataDir      holds {@code images/} and {@code sites/}
 * @param bridge       the host bridge every site's veth joins, {@code pier0}
 * @param subnet       the container network and its gateway, {@code 10.1.1.0/24} via {@code 10.1.1.254}
 * @param vethPrefix   host veth names are this prefix and the address's index in the subnet; null or empty: derived
 *                     from the instance ({@link HostNames#vethPrefixOf(String)}: {@code pv} for {@code pier})
 * @param cgroupParent containers' cgroups are {@code /PARENT/INSTANCE-NAME}
 * @param stopGrace    how long stop waits after SIGTERM before SIGKILL
 * @param readyTimeout how long start waits for the site to accept connections on port 80
 * @param uplink       the host interface that sites whose plan allows it reach the outside through; null: none do
 * @param instance     this Pier's name on the host, {@code pier}: every container, namespace and cgroup it makes
 *                     is named {@code INSTANCE-SITE}, so two instances on one host never touch each other's
 * @param runDir       where running sites' root file systems are mounted, outside the data directory (0700), whose
 *                     path a site's root (a stranger to the host) could not follow; null: {@code /run/pier/INSTANCE}
 */
public record EngineConfig(Path dataDir, String bridge, Ipv4Subnet subnet, String vethPrefix, String cgroupParent,
    Duration stopGrace, Duration readyTimeout, String uplink, String instance, Path runDir) {

  public EngineConfig(Path dataDir, String bridge, Ipv4Subnet subnet, String vethPrefix, String cgroupParent,
      Duration stopGrace, Duration readyTimeout, String uplink, String instance) {
    this(dataDir, bridge, subnet, vethPrefix, cgroupParent, stopGrace, readyTimeout, uplink, instance, null);
  }

  public EngineConfig(Path dataDir, String bridge, Ipv4Subnet subnet, String vethPrefix, String cgroupParent,
      Duration stopGrace, Duration readyTimeout) {
    this(dataDir, bridge, subnet, vethPrefix, cgroupParent, stopGrace, readyTimeout, null);
  }

  public EngineConfig(Path dataDir, String bridge, Ipv4Subnet subnet, String vethPrefix, String cgroupParent,
      Duration stopGrace, Duration readyTimeout, String uplink) {
    this(dataDir, bridge, subnet, vethPrefix, cgroupParent, stopGrace, readyTimeout, uplink, HostNames.DEFAULT_INSTANCE);
  }

  public EngineConfig {
    HostNames.checkInstance(instance);
    if (vethPrefix == null || vethPrefix.isEmpty()) {
      vethPrefix = HostNames.vethPrefixOf(instance);
    }
    if (uplink != null && uplink.isBlank()) {
      uplink = null;
    }
    if (uplink != null && (!uplink.matches("[a-zA-Z0-9_.@-]{1,15}") || uplink.equals(bridge))) {
      throw new IllegalArgumentException("uplink interface \"" + uplink + "\" is not valid: name the host's interface to the"
          + " internet, such as eth0, or leave it empty for no outbound access");
    }
    if (!bridge.matches("[a-zA-Z0-9_.-]{1,15}")) {
      throw new IllegalArgumentException("bridge name \"" + bridge + "\" is not valid: use 1-15 letters, digits, '-', '_' or '.'");
    }
    if (!vethPrefix.matches("[a-z][a-z0-9]{0,7}")) {
      throw new IllegalArgumentException("veth prefix \"" + vethPrefix + "\" is not valid: use 1-8 lowercase letters and digits");
    }
    if (!cgroupParent.matches("[a-zA-Z0-9_.-]{1,64}") || cgroupParent.matches("\\.+")) {
      throw new IllegalArgumentException("cgroup parent \"" + cgroupParent + "\" is not valid: use letters, digits, '-', '_' or '.'");
    }
    if (bridge.matches(Pattern.quote(vethPrefix) + "[0-9]+")) {
      throw new IllegalArgumentException("bridge name \"" + bridge + "\" has the form of a site's veth name (prefix \""
          + vethPrefix + "\" and a number): choose another bridge name or veth prefix");
    }
    dataDir = dataDir.toAbsolutePath().normalize();
    runDir = runDir == null ? Path.of("/run/pier", instance) : runDir.toAbsolutePath().normalize();
    if (runDir.startsWith(dataDir) || dataDir.startsWith(runDir)) {
      throw new IllegalArgumentException("run directory " + runDir + " must lie outside the data directory " + dataDir
          + " (and hold no part of it): sites' roots cannot pass the data directory's 0700");
    }
  }

  /** The same, with sites' outbound access going through {@code uplink} (null: none). */
  public EngineConfig withUplink(String uplink) {
    return new EngineConfig(dataDir, bridge, subnet, vethPrefix, cgroupParent, stopGrace, readyTimeout, uplink, instance, runDir);
  }

  /** How this instance names its objects on the host. */
  public HostNames names() {
    return new HostNames(instance, cgroupParent);
  }

  public Path imagesDir() {
    return dataDir.resolve("images");
  }

  public Path sitesDir() {
    return dataDir.resolve("sites");
  }
}
