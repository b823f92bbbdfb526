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
 * state ({@code /run/runc}, {@code /run/crun}), so {@code auto} keeps the runtime a Pier's sites ran with last, and
 * an operator who names another stops the sites first. Pure apart from {@link #host}.
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

  /**
   * The same, where {@code recorded} is the runtime this Pier's sites ran with last (null: none yet): {@code auto}
   * keeps it while it can still run sites here, so that installing crun later does not hide the sites runc runs.
   */
  public static RuntimeChoice choose(String asked, String recorded, boolean cgroupV2, Predicate<String> installed) {
    boolean auto = asked == null || asked.isBlank() || asked.strip().equalsIgnoreCase("auto");
    if (auto && recorded != null && NAMES.contains(recorded) && !recorded.equals("auto") && installed.test(recorded)
        && (cgroupV2 || recorded.equals("runc"))) {
      return new RuntimeChoice(recorded, recorded + ": the runtime this Pier's sites ran with last");
    }
    return choose(asked, cgroupV2, installed);
  }

  private static RuntimeChoice refuse(String why) {
    throw new IllegalArgumentException("pier.engine.runtime: " + why);
  }

  /** What this host offers: whether /sys/fs/cgroup is cgroup2, and which programs are on the PATH. */
  public static RuntimeChoice host(String asked) {
    return choose(asked, cgroupV2(), RuntimeChoice::onPath);
  }

  /** The same, keeping the runtime recorded in {@code file} (see {@link #choose(String, String, boolean, Predicate)}), and recording the choice there. */
  public static RuntimeChoice host(String asked, Path file) {
    try {
      // A data directory with sites but no record is an earlier Pier's, which always ran them with runc.
      String recorded = Files.exists(file) ? Files.readString(file).strip() : hasSites(file.resolveSibling("sites")) ? "runc" : null;
      RuntimeChoice c = choose(asked, recorded, cgroupV2(), RuntimeChoice::onPath);
      if (!Files.exists(file) || !c.binary().equals(recorded)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, c.binary() + "\n");
      }
      return c;
    } catch (IOException e) {
      throw new IllegalArgumentException("pier.engine.runtime: cannot read or record the runtime in " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasSites(Path sites) throws IOException {
    if (!Files.isDirectory(sites)) {
      return false;
    }
    try (var entries = Files.list(sites)) {
      return entries.findAny().isPresent();
    }
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
