package dev.pier.engine.oci;

import dev.pier.engine.limits.Limits;
import java.nio.file.Path;
import java.util.List;

/**
 * What Pier wants of one container, before it becomes an OCI runtime spec.
 *
 * @param id          the container id, {@code pier-NAME}
 * @param hostname    the site's full name, {@code NAME.DOMAIN}
 * @param rootfs      the mounted root filesystem
 * @param args        the program to run under tini
 * @param netnsPath   the network namespace to join
 * @param cgroupsPath the cgroup the container lives in, such as {@code /pier/pier-NAME}
 */
public record ContainerSpec(String id, String hostname, Path rootfs, List<String> args, Path netnsPath, String cgroupsPath, Limits limits) {

  public ContainerSpec {
    args = List.copyOf(args);
  }
}
