package dev.pier.engine.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a container's {@link Usage} from the cgroup file system, v1 (one hierarchy per controller, as on this
 * machine) or v2 (one unified hierarchy). Reads files only, so it is tested against recorded file trees.
 */
public final class CgroupStats implements Cgroups {

  private final Path root;

  /** @param root where the cgroup file system is mounted, normally {@code /sys/fs/cgroup} */
  public CgroupStats(Path root) {
    this.root = root;
  }

  public CgroupStats() {
    this(Path.of("/sys/fs/cgroup"));
  }

  /**
   * The usage of the cgroup at {@code cgroupPath} (such as {@code /pier/pier-blog}), or empty when it does not
   * exist (the container is not running).
   */
  @Override
  public Optional<Usage> read(String cgroupPath) {
    String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
    try {
      Path v1cpu = root.resolve("cpuacct").resolve(rel);
      if (Files.isDirectory(v1cpu)) {
        Path mem = root.resolve("memory").resolve(rel);
        long memory = number(mem.resolve("memory.usage_in_bytes")) - stat(mem.resolve("memory.stat"), "total_inactive_file");
        return Optional.of(new Usage(number(v1cpu.resolve("cpuacct.usage")), Math.max(0, memory),
            number(root.resolve("pids").resolve(rel).resolve("pids.current"))));
      }
      Path v2 = root.resolve(rel);
      if (Files.exists(v2.resolve("cgroup.controllers"))) {
        long memory = number(v2.resolve("memory.current")) - stat(v2.resolve("memory.stat"), "inactive_file");
        return Optional.of(new Usage(stat(v2.resolve("cpu.stat"), "usage_usec") * 1000, Math.max(0, memory),
            number(v2.resolve("pids.current"))));
      }
      return Optional.empty();
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cgroup " + cgroupPath, e);
    }
  }

  /**
   * How many times the kernel's OOM killer killed a process of the cgroup (v1 {@code memory.oom_control}, v2
   * {@code memory.events}); 0 when the cgroup is gone or the kernel does not count.
   */
  @Override
  public long oomKills(String cgroupPath) {
    String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
    try {
      Path v1 = root.resolve("memory").resolve(rel).resolve("memory.oom_control");
      if (Files.exists(v1)) {
        return stat(v1, "oom_kill");
      }
      Path v2 = root.resolve(rel).resolve("memory.events");
      return Files.exists(v2) ? stat(v2, "oom_kill") : 0;
    } catch (NoSuchFileException gone) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cgroup " + cgroupPath, e);
    }
  }

  private static long number(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  /** The value of {@code key} in a "key value" per line file such as memory.stat or cpu.stat; 0 if absent. */
  static long stat(Path file, String key) throws IOException {
    for (String line : Files.readAllLines(file)) {
      int sp = line.indexOf(' ');
      if (sp > 0 && line.substring(0, sp).equals(key)) {
        return Long.parseLong(line.substring(sp + 1).strip());
      }
    }
    return 0;
  }
}
