package dev.pier.engine.oci;

import dev.pier.engine.limits.Limits;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Pier wants of one container, before it becomes an OCI runtime spec.
 *
 * @param id          the container id, {@code pier-NAME}
 * @param hostname    the site's full name, {@code NAME.DOMAIN}
 * @param rootfs      the mounted root filesystem
 * @param args        the program to run under tini
 * @param netnsPath   the network namespace to join
 * @param cgroupsPath the cgroup the container lives in, such as {@code /pier/pier-NAME}
 * @param readOnlyFiles host files bind-mounted read-only at paths in the container ({@code /etc/hosts} and the like)
 */
public record ContainerSpec(String id, String hostname, Path rootfs, List<String> args, Path netnsPath, String cgroupsPath, Limits limits,
    Map<String, Path> readOnlyFiles) {

  public ContainerSpec {
    args = List.copyOf(args);
    readOnlyFiles = Collections.unmodifiableMap(new LinkedHashMap<>(readOnlyFiles));
  }
}
