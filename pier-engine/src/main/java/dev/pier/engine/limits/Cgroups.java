package dev.pier.engine.limits;

import java.util.Optional;

/**
 * What the kernel's cgroups say of a container. {@link CgroupStats} is the real one (the cgroup file system, v1
 * or v2); tests use an in-memory one.
 */
public interface Cgroups {

  /** The usage of the cgroup at {@code cgroupPath} (such as {@code /pier/pier-blog}), or empty when it does not exist. */
  Optional<Usage> read(String cgroupPath);

  /** How many times the OOM killer killed a process of the cgroup; 0 when it is gone or the kernel does not count. */
  long oomKills(String cgroupPath);
}
