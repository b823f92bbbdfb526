package dev.pier.engine.container;

import dev.pier.engine.site.SiteName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * How one Pier instance names what it makes on the host, all derived from the instance's name: the container
 * and the network namespace {@code INSTANCE-SITE} (the veth's alias too), the cgroup {@code /PARENT/INSTANCE-SITE}.
 * An instance name holds no hyphen, so {@code INSTANCE-} tells one instance's objects from every other's. Pure.
 */
public record HostNames(String instance, String cgroupParent) {

  public static final String DEFAULT_INSTANCE = "pier";
  private static final Pattern INSTANCE = Pattern.compile("[a-z][a-z0-9]{0,11}");

  public HostNames {
    checkInstance(instance);
  }

  /** Throws naming the value unless it is a valid instance name. */
  public static void checkInstance(String instance) {
    if (instance == null || !INSTANCE.matcher(instance).matches()) {
      throw new IllegalArgumentException("instance name \"" + instance + "\" is not valid: use 1-12 lowercase letters and"
          + " digits, starting with a letter (no hyphen), such as pier or pier2");
    }
  }

  /**
   * The veth prefix an instance uses unless one is configured: {@code pv} for the default instance (as always),
   * else {@code p} and four letters from a hash of the name, so that interface names (at most 15 characters)
   * never collide with another instance's and a prefix is never another's followed by digits.
   */
  public static String vethPrefixOf(String instance) {
    checkInstance(instance);
    if (instance.equals(DEFAULT_INSTANCE)) {
      return "pv";
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(instance.getBytes(StandardCharsets.UTF_8));
      StringBuilder p = new StringBuilder("p");
      for (int i = 0; i < 4; i++) {
        p.append((char) ('a' + Math.floorMod(d[i], 26)));
      }
      return p.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The runtime's container id, {@code INSTANCE-SITE} ({@code pier-blog}). */
  public String containerId(SiteName site) {
    return instance + "-" + site.value();
  }

  /** The network namespace, which is also the host veth's alias: the same as the container id. */
  public String netns(SiteName site) {
    return containerId(site);
  }

  /** The container's cgroup, {@code /PARENT/INSTANCE-SITE}. */
  public String cgroupPath(SiteName site) {
    return "/" + cgroupParent + "/" + containerId(site);
  }

  /** Whether a container id is one this instance names its containers with. */
  public boolean owns(String containerId) {
    return containerId.startsWith(instance + "-") && SiteName.problem(containerId.substring(instance.length() + 1)) == null;
  }
}
