package dev.pier.engine.oci;

import dev.pier.engine.limits.Limits;
import dev.pier.engine.rootfs.IdMap;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pier's {@link SpecOpt}s: each sets one aspect of a container's spec. Pure. */
public final class SpecOpts {

  private SpecOpts() {}

  /** The program: {@code init} (tini), then {@code args}, with a PATH and the hostname in the environment. */
  public static SpecOpt withProcess(String init, List<String> args, String hostname) {
    return s -> {
      s.args.add(init);
      s.args.add("--");
      s.args.addAll(args);
      s.env.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
      s.env.add("HOSTNAME=" + hostname);
    };
  }

  public static SpecOpt withHostname(String hostname) {
    return s -> s.hostname = hostname;
  }

  /** A writable root file system at {@code rootfs}. */
  public static SpecOpt withRootfs(Path rootfs) {
    return s -> {
      s.rootPath = rootfs.toString();
      s.rootReadonly = false;
    };
  }

  /** Only these capabilities, in the bounding, effective and permitted sets. */
  public static SpecOpt withCapabilities(List<String> caps) {
    return s -> {
      s.capabilities.clear();
      s.capabilities.addAll(caps);
    };
  }

  public static SpecOpt withNoNewPrivileges() {
    return s -> s.noNewPrivileges = true;
  }

  public static SpecOpt withOpenFilesLimit(int n) {
    return s -> s.rlimits.add(Map.of("type", "RLIMIT_NOFILE", "hard", n, "soft", n));
  }

  /**
   * New pid, ipc, uts, mount and cgroup namespaces (the site sees its own cgroup as the root, never the host's
   * hierarchy), and the network namespace at {@code netns}.
   */
  public static SpecOpt withNamespaces(Path netns) {
    return s -> s.namespaces.addAll(List.of(
        Map.of("type", "pid"),
        Map.of("type", "network", "path", netns.toString()),
        Map.of("type", "ipc"),
        Map.of("type", "uts"),
        Map.of("type", "mount"),
        Map.of("type", "cgroup")));
  }

  /**
   * A user namespace of the site's own ({@code ids}; none when null): its root and every other id of it are host ids
   * no one else has. Joined at {@code path} when given (the one that owns the site's network namespace), else new.
   */
  public static SpecOpt withUserNamespace(IdMap ids, Path path) {
    return s -> {
      if (ids == null) {
        return;
      }
      s.namespaces.add(path == null ? Map.of("type", "user") : Map.of("type", "user", "path", path.toString()));
      Map<String, Object> map = Map.of("containerID", 0, "hostID", Integer.toUnsignedLong(ids.hostBase()), "size", IdMap.SIZE);
      s.uidMappings.add(map);
      s.gidMappings.add(map);
    };
  }

  /** No core dumps: a crashing program leaves no image of its memory (secrets included) on the site's disk. */
  public static SpecOpt withNoCoreDumps() {
    return s -> s.rlimits.add(Map.of("type", "RLIMIT_CORE", "hard", 0, "soft", 0));
  }

  /** No device but those runc always makes. */
  public static SpecOpt withNoDevices() {
    return s -> s.devices.add(Map.of("allow", false, "access", "rwm"));
  }

  /** The container's cgroup and its CPU, memory and process limits. */
  public static SpecOpt withLimits(String cgroupsPath, Limits limits) {
    return s -> {
      s.cgroupsPath = cgroupsPath;
      s.resources.putAll(limits.toOciResources());
    };
  }

  public static SpecOpt withSeccomp(Map<String, Object> profile) {
    return s -> s.seccomp = profile;
  }

  /** Paths of /proc and /sys hidden, and others read-only. */
  public static SpecOpt withMaskedPaths(List<String> masked, List<String> readonly) {
    return s -> {
      s.maskedPaths.addAll(masked);
      s.readonlyPaths.addAll(readonly);
    };
  }

  /** The usual kernel file systems: proc, a small /dev, devpts, shm, mqueue, a read-only sysfs and a tmpfs /run. */
  public static SpecOpt withDefaultMounts() {
    return s -> s.mounts.addAll(List.of(
        mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
        mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
        mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
        mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
        mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
        mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
        mount("/run", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=755", "size=16384k"))));
  }

  /** Host files bind-mounted read-only (and not executable) at paths in the container. */
  public static SpecOpt withReadOnlyFiles(Map<String, Path> files) {
    return s -> files.forEach((inside, host) -> s.mounts.add(mount(inside, "bind", host.toString(), List.of("bind", "ro", "nosuid", "nodev", "noexec"))));
  }

  /**
   * Host directories bind-mounted in order, none with setuid programs, devices or anything to run: a site's content
   * and data are read by its server, never run (a CGI program published by a tenant does not start).
   */
  public static SpecOpt withDirs(List<ContainerSpec.Dir> dirs) {
    return s -> dirs.forEach(d -> s.mounts.add(mount(d.inside(), "bind", d.host().toString(),
        List.of("bind", d.writable() ? "rw" : "ro", "nosuid", "nodev", "noexec"))));
  }

  private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("destination", destination);
    m.put("type", type);
    m.put("source", source);
    m.put("options", options);
    return m;
  }
}
