package dev.pier.engine.oci;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Translates a {@link ContainerSpec} into an OCI runtime spec ({@code config.json}) for runc, as the sum of
 * {@link SpecOpts}. Pure: no file is written here. A user namespace of the site's own ids
 * ({@link dev.pier.engine.rootfs.IdMap}), new pid, mount, uts, ipc and cgroup namespaces; the site's own
 * network namespace joined by path; tini as PID 1; a web server's capabilities only; no new privileges; no core dumps;
 * a closed device list; the {@link Seccomp} allow-list.
 */
public final class OciSpec {

  static final String INIT = "/sbin/tini";
  static final List<String> CAPABILITIES = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE");
  static final List<String> MASKED = List.of(
      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
      "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
  static final List<String> READONLY = List.of(
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private OciSpec() {}

  /** The options that make a site's container from its plan, in order. */
  public static List<SpecOpt> options(ContainerSpec c) {
    return List.of(
        SpecOpts.withProcess(INIT, c.args(), c.hostname()),
        SpecOpts.withCapabilities(CAPABILITIES),
        SpecOpts.withOpenFilesLimit(4096),
        SpecOpts.withNoCoreDumps(),
        SpecOpts.withNoNewPrivileges(),
        SpecOpts.withRootfs(c.rootfs()),
        SpecOpts.withHostname(c.hostname()),
        SpecOpts.withDefaultMounts(),
        SpecOpts.withReadOnlyFiles(c.readOnlyFiles()),
        SpecOpts.withDirs(c.dirs()),
        SpecOpts.withNoDevices(),
        SpecOpts.withLimits(c.cgroupsPath(), c.limits()),
        SpecOpts.withNamespaces(c.netnsPath()),
        SpecOpts.withUserNamespace(c.ids(), c.usernsPath()),
        SpecOpts.withSeccomp(Seccomp.profile(System.getProperty("os.arch"))),
        SpecOpts.withMaskedPaths(MASKED, READONLY));
  }

  /** The spec as a JSON tree of maps and lists. */
  public static Map<String, Object> build(ContainerSpec c) {
    return Spec.of(options(c)).toMap();
  }

  /** The spec as config.json text. */
  public static String toJson(ContainerSpec c) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(build(c));
  }
}
