package dev.pier.engine.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Translates a {@link ContainerSpec} into an OCI runtime spec ({@code config.json}) for runc. Pure: no file is
 * written here. New pid, mount, uts and ipc namespaces; the site's own network namespace joined by path;
 * tini as PID 1; a web server's capabilities only; no new privileges; a closed device list; the
 * {@link Seccomp} profile.
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

  /** The spec as a JSON tree of maps and lists. */
  public static Map<String, Object> build(ContainerSpec c) {
    List<String> args = new ArrayList<>();
    args.add(INIT);
    args.add("--");
    args.addAll(c.args());

    Map<String, Object> caps = new LinkedHashMap<>();
    for (String set : List.of("bounding", "effective", "permitted")) {
      caps.put(set, CAPABILITIES);
    }
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("terminal", false);
    process.put("user", Map.of("uid", 0, "gid", 0));
    process.put("args", args);
    process.put("env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=" + c.hostname()));
    process.put("cwd", "/");
    process.put("capabilities", caps);
    process.put("rlimits", List.of(Map.of("type", "RLIMIT_NOFILE", "hard", 4096, "soft", 4096)));
    process.put("noNewPrivileges", true);

    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("devices", List.of(Map.of("allow", false, "access", "rwm")));
    resources.putAll(c.limits().toOciResources());

    Map<String, Object> linux = new LinkedHashMap<>();
    linux.put("resources", resources);
    linux.put("cgroupsPath", c.cgroupsPath());
    linux.put("namespaces", List.of(
        Map.of("type", "pid"),
        Map.of("type", "network", "path", c.netnsPath().toString()),
        Map.of("type", "ipc"),
        Map.of("type", "uts"),
        Map.of("type", "mount")));
    linux.put("seccomp", Seccomp.profile(System.getProperty("os.arch")));
    linux.put("maskedPaths", MASKED);
    linux.put("readonlyPaths", READONLY);

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("ociVersion", "1.0.2");
    spec.put("process", process);
    spec.put("root", Map.of("path", c.rootfs().toString(), "readonly", false));
    spec.put("hostname", c.hostname());
    List<Map<String, Object>> mounts = new ArrayList<>(mounts());
    c.readOnlyFiles().forEach((inside, host) -> mounts.add(mount(inside, "bind", host.toString(), List.of("bind", "ro", "nosuid", "nodev", "noexec"))));
    spec.put("mounts", mounts);
    spec.put("linux", linux);
    return spec;
  }

  private static List<Map<String, Object>> mounts() {
    return List.of(
        mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
        mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
        mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
        mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
        mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
        mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
        mount("/run", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=755", "size=16384k")));
  }

  private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("destination", destination);
    m.put("type", type);
    m.put("source", source);
    m.put("options", options);
    return m;
  }

  /** The spec as config.json text. */
  public static String toJson(ContainerSpec c) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(build(c));
  }
}
