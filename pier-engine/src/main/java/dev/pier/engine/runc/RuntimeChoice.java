package dev.pier.engine.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which OCI runtime runs the sites: crun where it works, runc otherwise, unless the operator names one
 * ({@code --runtime}). crun is smaller and starts containers faster, but manages cgroups v2 only (Debian 12's default
 * layout); on a host with cgroup v1 (or the hybrid layout), runc. Both take the same commands; each keeps its own
 * state ({@code /run/runc}, {@code /run/crun}), so sites are stopped before the runtime is changed. Pure apart from
 * {@link #host}.
 *
 * @param binary the program, {@code runc} or {@code crun}
 * @param why    a sentence for the log: why this one
 */
public record RuntimeChoice(String binary, String why) {

  public static final List<String> NAMES = List.of("auto", "runc", "crun");

  /**
   * @param asked      {@code auto} (or empty), {@code runc} or {@code crun}
   * @param cgroupV2   whether the host has the unified cgroup v2 layout
   * @param installed  whether a program of that name is on the PATH
   * @throws IllegalArgumentException naming what to do, when the runtime asked for cannot run sites here
   */
  public static RuntimeChoice choose(String asked, boolean cgroupV2, Predicate<String> installed) {
    String a = asked == null || asked.isBlank() ? "auto" : asked.strip().toLowerCase(Locale.ROOT);
    return switch (a) {
      case "auto" -> cgroupV2 && installed.test("crun")
          ? new RuntimeChoice("crun", "crun: cgroup v2 and crun installed")
          : installed.test("runc")
              ? new RuntimeChoice("runc", cgroupV2 ? "runc: crun is not installed" : "runc: this host has cgroup v1, which crun cannot manage")
              : refuse("neither runc nor crun is installed: install runc (./pier up does)");
      case "runc" -> installed.test("runc") ? new RuntimeChoice("runc", "runc, as asked") : refuse("runc is not installed: apt-get install runc");
      case "crun" -> !cgroupV2 ? refuse("crun cannot manage this host's cgroups (v1, or the hybrid layout): use --runtime runc, or boot with"
          + " the unified cgroup v2 layout (systemd.unified_cgroup_hierarchy=1)")
          : installed.test("crun") ? new RuntimeChoice("crun", "crun, as asked") : refuse("crun is not installed: apt-get install crun");
      default -> refuse("runtime \"" + asked + "\" is none of auto, runc, crun");
    };
  }

  private static RuntimeChoice refuse(String why) {
    throw new IllegalArgumentException("pier.engine.runtime: " + why);
  }

  /** What this host offers: whether /sys/fs/cgroup is cgroup2, and which programs are on the PATH. */
  public static RuntimeChoice host(String asked) {
    return choose(asked, cgroupV2(), RuntimeChoice::onPath);
  }

  static boolean cgroupV2() {
    try {
      return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" - ", 2))
          .anyMatch(p -> p.length == 2 && p[0].split(" ")[4].equals("/sys/fs/cgroup") && p[1].startsWith("cgroup2 "));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
