package dev.pier.engine.oci;

import dev.pier.engine.limits.Limits;
import dev.pier.engine.rootfs.IdMap;
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
 * @param dirs        host directories bind-mounted into the container, in order (the site's content and data)
 * @param ids         the site's user namespace; null: none (its root is the host's)
 * @param usernsPath  where that user namespace is kept, to join (it owns the network namespace); null: a new one
 */
public record ContainerSpec(String id, String hostname, Path rootfs, List<String> args, Path netnsPath, String cgroupsPath, Limits limits,
    Map<String, Path> readOnlyFiles, List<Dir> dirs, IdMap ids, Path usernsPath) {

  /**
   * A host directory seen at {@code inside} in the container: read-only, or writable without setuid, devices or
   * programs.
   */
  public record Dir(String inside, Path host, boolean writable) {}

  public ContainerSpec {
    args = List.copyOf(args);
    readOnlyFiles = Collections.unmodifiableMap(new LinkedHashMap<>(readOnlyFiles));
    dirs = List.copyOf(dirs);
  }

  public ContainerSpec(String id, String hostname, Path rootfs, List<String> args, Path netnsPath, String cgroupsPath, Limits limits,
      Map<String, Path> readOnlyFiles) {
    this(id, hostname, rootfs, args, netnsPath, cgroupsPath, limits, readOnlyFiles, List.of(), null, null);
  }
}
