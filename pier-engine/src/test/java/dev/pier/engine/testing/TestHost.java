package dev.pier.engine.testing;

import dev.pier.engine.container.EngineConfig;
import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.network.HostNetwork;
import dev.pier.engine.network.Ipv4Subnet;
import dev.pier.engine.runc.ContainerState;
import dev.pier.engine.runc.Runc;
import dev.pier.engine.rootfs.ProcMountTable;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A uniquely named slice of this host for one test: its own data directory, bridge, container subnet, veth
 * prefix and cgroup parent, so tests never touch anything they did not make. {@link #close()} removes all of
 * it, containers included, even after a failed test.
 */
public final class TestHost implements AutoCloseable {

  public final String tag;
  public final Path dataDir;
  public final EngineConfig config;
  private final ProcessRunner runner = new ProcessRunner();

  /** A slice of the default instance {@code pier}, with a veth prefix of its own. */
  public TestHost() throws IOException {
    this(false);
  }

  /**
   * @param ownInstance whether the engine runs as an instance of its own, {@code tTAG}, its veth prefix derived from
   *                    that name (as a second Pier on a host would), instead of the default instance {@code pier}
   */
  private TestHost(boolean ownInstance) throws IOException {
    RootRequired.check();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    tag = HexFormat.of().toHexDigits((short) r.nextInt()).toLowerCase();
    dataDir = Files.createTempDirectory("pier-test-" + tag + "-").toRealPath();
    Ipv4Subnet subnet = freeSubnet();
    config = ownInstance
        ? new EngineConfig(dataDir, "ptb" + tag, subnet, null, "pier-test-" + tag, Duration.ofSeconds(5), Duration.ofSeconds(10), null, "t" + tag, runDir())
        : new EngineConfig(dataDir, "ptb" + tag, subnet, "pt" + tag, "pier-test-" + tag, Duration.ofSeconds(5), Duration.ofSeconds(10), null,
            "pier", runDir());
  }

  /** Where this test's sites' root file systems are mounted: {@code /run/pier-test/TAG}. */
  public Path runDir() {
    return Path.of("/run/pier-test", tag);
  }

  /** A slice of this host for an instance of its own, {@code tTAG}: as a second Pier on the host would run. */
  public static TestHost ownInstance() throws IOException {
    return new TestHost(true);
  }

  private Ipv4Subnet freeSubnet() {
    String routes = runner.check(Command.of("ip", "-4", "route", "show")).stdout();
    for (int i = 0; i < 100; i++) {
      int b = ThreadLocalRandom.current().nextInt(200, 250);
      int c = ThreadLocalRandom.current().nextInt(0, 256);
      String net = "10." + b + "." + c + ".0/24";
      if (!routes.contains("10." + b + "." + c + ".")) {
        return Ipv4Subnet.parse(net, "10." + b + "." + c + ".254");
      }
    }
    throw new IllegalStateException("no free test subnet in 10.200-249.x.0/24");
  }

  /** A site name unique to this test host: {@code base-TAG}. Everything named after it is removed by close. */
  public String siteName(String base) {
    return base + "-" + tag;
  }

  /** The host PID of a container's init ({@code runc state}), to tell an adopted container from a restarted one. */
  public static long containerPid(String containerId) {
    String state = new ProcessRunner().check(Command.of("runc", "state", containerId)).stdout();
    return tools.jackson.databind.json.JsonMapper.builder().build().readTree(state).path("pid").asLong();
  }

  /** Interfaces, namespaces, mounts and cgroups on the host whose name carries {@code text}. */
  /** The host PID of a container's web server: the child of Pier's exit recorder, itself tini's child. */
  public static long serverPid(String containerId) throws IOException {
    long pid = containerPid(containerId);
    for (int depth = 0; depth < 2; depth++) {
      String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).strip();
      if (children.isEmpty()) {
        throw new IllegalStateException("container " + containerId + " has no server process");
      }
      pid = Long.parseLong(children.split(" ")[0]);
    }
    return pid;
  }

  public static List<String> hostObjectsNamed(String text) throws IOException {
    ProcessRunner run = new ProcessRunner();
    List<String> found = new ArrayList<>();
    for (String l : run.check(Command.of("ip", "-o", "link", "show")).stdout().lines().toList()) {
      if (l.contains(text)) {
        found.add("link: " + l);
      }
    }
    for (String l : run.check(Command.of("ip", "netns", "list")).stdout().lines().toList()) {
      if (l.contains(text)) {
        found.add("netns: " + l);
      }
    }
    for (Path p : new ProcMountTable(run).current()) {
      if (p.toString().contains(text)) {
        found.add("mount: " + p);
      }
    }
    for (String l : run.check(Command.of("losetup", "--list", "--noheadings", "-O", "NAME,BACK-FILE")).stdout().lines().toList()) {
      if (l.contains(text)) {
        found.add("loop device: " + l.strip());
      }
    }
    for (Path p : cgroupDirsNamed(text)) {
      found.add("cgroup: " + p);
    }
    for (String l : run.check(Command.of("runc", "list", "-q")).stdout().lines().toList()) {
      if (l.contains(text)) {
        found.add("runc container: " + l);
      }
    }
    return found;
  }

  private static List<Path> cgroupDirsNamed(String text) throws IOException {
    List<Path> found = new ArrayList<>();
    Path root = Path.of("/sys/fs/cgroup");
    if (!Files.isDirectory(root)) {
      return found;
    }
    try (var controllers = Files.list(root)) {
      for (Path c : controllers.toList()) {
        if (!Files.isDirectory(c)) {
          continue;
        }
        try (var walk = Files.walk(c, 3)) {
          walk.filter(Files::isDirectory).filter(p -> p.getFileName().toString().contains(text)).forEach(found::add);
        } catch (IOException | RuntimeException ignored) {
          // a cgroup vanished while walking
        }
      }
    }
    return found;
  }

  @Override
  public void close() throws IOException {
    wipeRuntime();
    MoreFiles.deleteRecursively(dataDir);
    if (new ProcMountTable(runner).under(runDir()).isEmpty()) {
      MoreFiles.deleteRecursively(runDir());
    }
  }

  /**
   * What a reboot of the host does to this test's slice of it: containers, mounts (loop devices with them),
   * network namespaces, links, the bridge, its firewall table and cgroups are gone; the data directory stays.
   */
  public void wipeRuntime() throws IOException {
    Runc runc = new Runc(runner);
    for (ContainerState c : runc.list()) {
      if (c.bundle() != null && c.bundle().startsWith(dataDir)) { // this test's containers only, whatever their instance
        runc.deleteForce(c.id());
      }
    }
    new ProcMountTable(runner).unmountAll(runDir()); // first: the root file systems hold views in the data directory
    new ProcMountTable(runner).unmountAll(dataDir);
    for (String l : runner.check(Command.of("ip", "netns", "list")).stdout().lines().toList()) {
      String ns = l.split(" ")[0];
      if (ns.contains(tag)) {
        new HostNetwork(runner).deleteNetns(ns); // and the user namespace that owns it
      }
    }
    for (String l : runner.check(Command.of("ip", "-o", "link", "show")).stdout().lines().toList()) {
      String name = l.split(": ")[1].split("@")[0];
      if (name.startsWith("pt" + tag) || name.matches(config.vethPrefix() + "[0-9]+") && l.contains("master " + config.bridge())) {
        runner.run(Command.of("ip", "link", "delete", "dev", name));
      }
    }
    Path userns = Path.of("/run/pier-userns"); // user namespaces whose network namespace went first
    if (Files.isDirectory(userns)) {
      try (var kept = Files.list(userns)) {
        for (Path u : kept.filter(p -> p.getFileName().toString().contains(tag)).toList()) {
          new HostNetwork(runner).deleteNetns(u.getFileName().toString());
        }
      }
    }
    new HostNetwork(runner).deleteBridge(config.bridge());
    List<Path> cgroups = cgroupDirsNamed(config.cgroupParent());
    cgroups.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
    for (Path p : cgroups) {
      try {
        Files.delete(p);
      } catch (IOException ignored) {
        // still has processes: reported by the test's leftover check
      }
    }
  }
}
