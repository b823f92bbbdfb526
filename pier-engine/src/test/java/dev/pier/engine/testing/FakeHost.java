package dev.pier.engine.testing;

import dev.pier.engine.container.EngineConfig;
import dev.pier.engine.container.EngineDrivers;
import dev.pier.engine.container.ExitRecorder;
import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.exec.CommandFailedException;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.image.DebianImages;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.limits.Cgroups;
import dev.pier.engine.limits.Limits;
import dev.pier.engine.limits.Usage;
import dev.pier.engine.network.Attachment;
import dev.pier.engine.network.Outbound;
import dev.pier.engine.network.Ipv4Subnet;
import dev.pier.engine.network.PortProbe;
import dev.pier.engine.network.ResolvConf;
import dev.pier.engine.network.SiteNetwork;
import dev.pier.engine.rootfs.IdMap;
import dev.pier.engine.rootfs.IdMapping;
import dev.pier.engine.rootfs.Mount;
import dev.pier.engine.rootfs.MountTable;
import dev.pier.engine.rootfs.Mounts;
import dev.pier.engine.rootfs.SiteDisk;
import dev.pier.engine.rootfs.SiteDisks;
import dev.pier.engine.runc.ContainerRuntime;
import dev.pier.engine.runc.ContainerState;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole host in memory for the engine: containers, network namespaces, veths, bridges, mounts, site disks and
 * cgroups, as {@link EngineDrivers}, with no root and no program run. Files (the data directory, bundles, logs,
 * site layers) are real, in a temporary directory of its own. As strict as the real host where it matters: a
 * container runs only from a bundle whose root file system is mounted and whose network namespace exists;
 * unmounting what is not mounted fails.
 *
 * <p>Use: {@code try (FakeHost host = new FakeHost()) { SiteEngine engine = host.engine(); ... }}. Several
 * engines (instances) may share one fake host: {@link #engine(EngineConfig)} with {@link #config(String)}.
 *
 * <p>Failures: every driver call is an operation named {@code driver.verb} (the {@code OP_} constants), recorded
 * in {@link #calls()}. {@link #failOn(String)} makes the next call of one operation throw {@link InjectedFailure};
 * {@link #failOn(String, int)} the nth from now; {@link #failAtCall(int)} the nth call of any operation.
 * {@link #crashOn(String)} simulates Pier dying at that step: the call throws and so does every later one (undos
 * included, so the host stays as the crash left it) until {@link #recover()}.
 *
 * <p>Events: {@link #exit(String, int)} ends a container by itself with a status (recorded as the container's
 * exit recorder would), {@link #oomKill(String)} as the OOM killer would, {@link #exitOnStart(String, int)} makes
 * the next start of a container end at once; {@link #ignoreTerm(String)} makes one ignore SIGTERM.
 *
 * <p>Thread-safe: every method is synchronized.
 */
public final class FakeHost implements AutoCloseable, ContainerRuntime, SiteNetwork, MountTable, SiteDisks, Cgroups, PortProbe, ResolvConf,
    IdMapping {

  public static final String OP_RUN = "runtime.run";
  public static final String OP_STATE = "runtime.state";
  public static final String OP_LIST = "runtime.list";
  public static final String OP_UPDATE = "runtime.update";
  public static final String OP_KILL = "runtime.kill";
  public static final String OP_DELETE = "runtime.delete";
  public static final String OP_BRIDGE = "network.bridge";
  public static final String OP_OUTBOUND = "network.outbound";
  public static final String OP_ATTACH = "network.attach";
  public static final String OP_DETACH = "network.detach";
  public static final String OP_DELETE_NETNS = "network.deleteNetns";
  public static final String OP_MOUNT = "mounts.mount";
  public static final String OP_UNMOUNT = "mounts.unmount";
  public static final String OP_DISK = "disks.ensure";
  public static final String OP_PROBE = "probe.accepts";

  /** What an injected failure throws. */
  public static class InjectedFailure extends RuntimeException {
    public InjectedFailure(String message) {
      super(message);
    }
  }

  /** What every call throws after a simulated crash, until {@link #recover()}. */
  public static final class SimulatedCrash extends InjectedFailure {
    public SimulatedCrash(String message) {
      super(message);
    }
  }

  /** One driver call: the operation and what it was on. */
  public record Call(String op, String subject) {
    @Override
    public String toString() {
      return op + " " + subject;
    }
  }

  private record Rule(String op, int[] countdown, boolean crash) {}

  /** A container as the fake runtime holds it. */
  private static final class Box {
    final String id;
    final Path bundle;
    final String netns;
    final String cgroup;
    final Path rootfs;
    String status = "running";
    long pid;
    long oomKills;
    Usage usage = new Usage(0, 1 << 20, 1);

    Box(String id, Path bundle, String netns, String cgroup, Path rootfs, long pid) {
      this.id = id;
      this.bundle = bundle;
      this.netns = netns;
      this.cgroup = cgroup;
      this.rootfs = rootfs;
      this.pid = pid;
    }

    ContainerState state() {
      return new ContainerState(id, status, status.equals("running") ? pid : 0, bundle);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path root;
  private final List<Call> calls = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();
  private String crashed;
  private final AtomicLong pids = new AtomicLong(40_000);
  private final Map<String, Box> containers = new LinkedHashMap<>();
  private final Map<String, Integer> exitOnStart = new HashMap<>();
  private final Set<String> ignoringTerm = new HashSet<>();
  private final Set<String> bridges = new TreeSet<>();
  private final Map<String, Set<String>> outbound = new HashMap<>();
  private final Map<String, Attachment> netns = new LinkedHashMap<>();
  private final Map<String, String> veths = new LinkedHashMap<>(); // name -> alias
  private final List<Mount> mounts = new ArrayList<>();
  private final List<String> shifts = new ArrayList<>();
  private final Map<Path, Long> diskSizes = new HashMap<>();
  private List<String> resolvers = List.of("192.0.2.53");

  /** A fresh host, its files in a new temporary directory that {@link #close()} removes. */
  public FakeHost() {
    try {
      root = Files.createTempDirectory("pier-fake-host-").toRealPath();
      Files.createDirectories(root.resolve("bin"));
      Files.writeString(root.resolve("bin/busybox"), "fake busybox\n");
      Files.writeString(root.resolve("bin/tini"), "fake tini\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fake host's own directory: data directories of its engines go below it. */
  public Path root() {
    return root;
  }

  /** The fake as drivers. */
  public EngineDrivers drivers() {
    return new EngineDrivers(this, this, this, this, this, this, this, this);
  }

  /** A valid configuration for an instance on this host: data directory {@code root/INSTANCE}, bridge {@code INSTANCE0}. */
  public EngineConfig config(String instance) {
    return new EngineConfig(root.resolve(instance), instance + "0", Ipv4Subnet.parse("10.1.1.0/24", "10.1.1.254"), null, "pier",
        Duration.ofSeconds(10), Duration.ofSeconds(2), null, instance, root.resolve(instance + ".run"));
  }

  /** An engine of the default instance {@code pier} on this host, initialised. */
  public SiteEngine engine() {
    SiteEngine e = engine(config("pier"));
    e.init();
    return e;
  }

  /**
   * An engine with this configuration on this host (not initialised). Its built-in image comes from fake
   * binaries; Debian images are whatever {@link #addDebianImage} put in its images directory.
   */
  public SiteEngine engine(EngineConfig config) {
    StaticImage staticImage = new StaticImage(root.resolve("bin/busybox"), root.resolve("bin/tini"), StaticImage.command());
    return new SiteEngine(config, drivers(), staticImage, new DebianImages(runner(), this, config.imagesDir()));
  }

  /** A runner for code that would run a program: the fake host has none, so it fails naming the command. */
  public static CommandRunner runner() {
    return command -> {
      throw new CommandFailedException(command, "cannot run on the fake host", null);
    };
  }

  /** Puts a built version of a Debian image in {@code imagesDir}, as a finished build would. */
  public static void addDebianImage(Path imagesDir, String name, String version) {
    try {
      Files.createDirectories(imagesDir.resolve(name).resolve(version).resolve("rootfs/usr/sbin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- failures and events ----

  /** The next call of {@code op} throws {@link InjectedFailure}. */
  public synchronized FakeHost failOn(String op) {
    return failOn(op, 1);
  }

  /** The {@code nth} call of {@code op} from now (1: the next) throws {@link InjectedFailure}. */
  public synchronized FakeHost failOn(String op, int nth) {
    rules.add(new Rule(op, new int[] {nth}, false));
    return this;
  }

  /** The {@code nth} driver call of any operation from now throws {@link InjectedFailure}. */
  public synchronized FakeHost failAtCall(int nth) {
    rules.add(new Rule(null, new int[] {nth}, false));
    return this;
  }

  /** Pier "dies" at the next call of {@code op}: it throws {@link SimulatedCrash}, and so does every call until {@link #recover()}. */
  public synchronized FakeHost crashOn(String op) {
    rules.add(new Rule(op, new int[] {1}, true));
    return this;
  }

  /** The same at the {@code nth} driver call of any operation from now. */
  public synchronized FakeHost crashAtCall(int nth) {
    rules.add(new Rule(null, new int[] {nth}, true));
    return this;
  }

  /** After a simulated crash: calls work again (a new Pier process runs); pending rules are dropped. */
  public synchronized void recover() {
    crashed = null;
    rules.clear();
  }

  public synchronized boolean crashed() {
    return crashed != null;
  }

  /** Every driver call so far, in order. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The operations called so far, in order, each as {@code op subject}. */
  public synchronized List<String> callLog() {
    return calls.stream().map(Call::toString).toList();
  }

  public synchronized void clearCalls() {
    calls.clear();
  }

  /** The container's server ends by itself with {@code status}, recorded in its root as the exit recorder does. */
  public synchronized void exit(String containerId, int status) {
    Box b = running(containerId);
    writeStatus(b, status);
    b.status = "stopped";
    notifyAll(); // a stop waiting for it (awaitExit) hears of it at once
  }

  /** The OOM killer kills the container's server: its cgroup counts it, the server ends with status 137. */
  public synchronized void oomKill(String containerId) {
    Box b = running(containerId);
    b.oomKills++;
    writeStatus(b, 137);
    b.status = "stopped";
    notifyAll(); // a stop waiting for it (awaitExit) hears of it at once
  }

  /** The next start of {@code containerId} runs and ends at once with {@code status}, before it serves. */
  public synchronized void exitOnStart(String containerId, int status) {
    exitOnStart.put(containerId, status);
  }

  /** The container ignores SIGTERM: stop must send SIGKILL. */
  public synchronized void ignoreTerm(String containerId) {
    ignoringTerm.add(containerId);
  }

  /** Puts an interface on the host that is not the engine's (another instance's veth, say). */
  public synchronized void addLink(String name, String alias) {
    if (veths.containsKey(name)) {
      throw new IllegalStateException("ip: interface " + name + " already exists");
    }
    veths.put(name, alias);
  }

  /** Sets what the container's cgroup reports. */
  public synchronized void setUsage(String containerId, Usage usage) {
    running(containerId).usage = usage;
  }

  /** The upstream resolvers the host names (by default one documentation address). */
  public synchronized void setResolvers(List<String> upstream) {
    resolvers = List.copyOf(upstream);
  }

  private Box running(String id) {
    Box b = containers.get(id);
    if (b == null || !b.status.equals("running")) {
      throw new IllegalStateException("container " + id + " is not running on the fake host");
    }
    return b;
  }

  private void writeStatus(Box b, int status) {
    Mount overlay = mounts.stream().filter(m -> m.target().equals(b.rootfs) && m.type().equals("overlay")).reduce((x, y) -> y).orElse(null);
    if (overlay != null) {
      MoreFiles.writeAtomically(Path.of(overlay.option("upperdir")).resolve(ExitRecorder.STATUS_FILE), status + "\n");
    }
  }

  // ---- what is on the host ----

  /** Containers the runtime knows, id to runc's status word. */
  public synchronized Map<String, String> containers() {
    Map<String, String> out = new LinkedHashMap<>();
    containers.forEach((id, b) -> out.put(id, b.status));
    return out;
  }

  public synchronized Set<String> netnsNames() {
    return Set.copyOf(netns.keySet());
  }

  /** Host veths, name to alias. */
  public synchronized Map<String, String> veths() {
    return Map.copyOf(veths);
  }

  public synchronized Set<String> bridges() {
    return Set.copyOf(bridges);
  }

  public synchronized Set<String> outbound(String bridge) {
    return Set.copyOf(outbound.getOrDefault(bridge, Set.of()));
  }

  /** Cgroups that exist: those of the containers the runtime knows. */
  public synchronized Set<String> cgroups() {
    Set<String> out = new TreeSet<>();
    containers.values().forEach(b -> out.add(b.cgroup));
    return out;
  }

  /** Everything on the host whose name carries {@code text}, as TestHost lists it on a real host: empty when nothing is left. */
  public synchronized List<String> hostObjectsNamed(String text) {
    List<String> found = new ArrayList<>();
    containers.keySet().stream().filter(id -> id.contains(text)).forEach(id -> found.add("runc container: " + id));
    netns.keySet().stream().filter(n -> n.contains(text)).forEach(n -> found.add("netns: " + n));
    veths.forEach((n, alias) -> {
      if (n.contains(text) || alias.contains(text)) {
        found.add("link: " + n + " alias " + alias);
      }
    });
    mounts.stream().filter(m -> m.target().toString().contains(text)).forEach(m -> found.add("mount: " + m.target()));
    cgroups().stream().filter(c -> c.contains(text)).forEach(c -> found.add("cgroup: " + c));
    return found;
  }

  // ---- the drivers ----

  private void call(String op, Object subject) {
    calls.add(new Call(op, String.valueOf(subject)));
    if (crashed != null) {
      throw new SimulatedCrash(op + " " + subject + ": Pier crashed earlier, at " + crashed);
    }
    Rule fired = null;
    for (Rule r : rules) {
      if ((r.op() == null || r.op().equals(op)) && --r.countdown()[0] == 0) {
        if (fired == null) {
          fired = r;
        } else {
          r.countdown()[0] = 1; // two failures due at one call: the second at the next matching call
        }
      }
    }
    if (fired != null) {
      rules.remove(fired);
      if (fired.crash()) {
        crashed = op + " " + subject;
        throw new SimulatedCrash("simulated crash at " + crashed);
      }
      throw new InjectedFailure(op + " " + subject + " failed (injected by the fake host)");
    }
  }

  @Override
  public synchronized void run(String id, Path bundle, Path pidFile, Path consoleLog) {
    call(OP_RUN, id);
    if (containers.containsKey(id)) {
      throw new InjectedFailure("container \"" + id + "\" already exists");
    }
    JsonNode spec;
    try {
      spec = JSON.readTree(Files.readString(bundle.resolve("config.json")));
    } catch (IOException e) {
      throw new IllegalStateException("runc: no config.json in bundle " + bundle, e);
    }
    Path rootfs = Path.of(spec.path("root").path("path").asString());
    if (!isMountPoint(rootfs)) {
      throw new IllegalStateException("runc: root file system " + rootfs + " of " + id + " is not mounted");
    }
    String ns = null;
    for (JsonNode n : spec.path("linux").path("namespaces")) {
      if (n.path("type").asString().equals("network")) {
        ns = Path.of(n.path("path").asString()).getFileName().toString();
      }
    }
    if (ns == null || !netns.containsKey(ns)) {
      throw new IllegalStateException("runc: network namespace " + ns + " of " + id + " does not exist");
    }
    long pid = pids.incrementAndGet();
    Box b = new Box(id, bundle, ns, spec.path("linux").path("cgroupsPath").asString(), rootfs, pid);
    containers.put(id, b);
    try {
      Files.writeString(pidFile, pid + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Integer status = exitOnStart.remove(id);
    if (status != null) {
      writeStatus(b, status);
      b.status = "stopped";
      notifyAll(); // a stop waiting for it (awaitExit) hears of it at once
    }
  }

  @Override
  public synchronized Optional<ContainerState> state(String id) {
    call(OP_STATE, id);
    return Optional.ofNullable(containers.get(id)).map(Box::state);
  }

  @Override
  public synchronized List<ContainerState> list() {
    call(OP_LIST, "");
    return containers.values().stream().map(Box::state).toList();
  }

  @Override
  public synchronized void update(String id, Limits limits) {
    call(OP_UPDATE, id);
    running(id);
  }

  @Override
  public synchronized void pause(String id) {
    running(id).status = "paused";
  }

  @Override
  public synchronized void resume(String id) {
    Box b = containers.get(id);
    if (b == null || !b.status.equals("paused")) {
      throw new IllegalStateException("container " + id + " is not paused on the fake host");
    }
    b.status = "running";
  }

  @Override
  public synchronized boolean kill(String id, String signal) {
    call(OP_KILL, id + " " + signal);
    Box b = containers.get(id);
    if (b == null || !b.status.equals("running")) {
      return false;
    }
    if (signal.equals("TERM") && ignoringTerm.contains(id)) {
      return true;
    }
    if (signal.equals("TERM")) {
      writeStatus(b, 143);
    }
    b.status = "stopped";
    notifyAll(); // a stop waiting for it (awaitExit) hears of it at once
    return true;
  }

  @Override
  public synchronized void deleteForce(String id) {
    call(OP_DELETE, id);
    containers.remove(id);
    notifyAll();
  }

  @Override
  public synchronized boolean alive(ContainerState state) {
    return containers.values().stream().anyMatch(b -> b.pid == state.pid() && b.status.equals("running"));
  }

  @Override
  public synchronized boolean awaitExit(ContainerState state, Duration timeout) {
    // One that ignores SIGTERM keeps a stop waiting out its grace time, as on a real host (this lock let go meanwhile).
    long end = System.nanoTime() + timeout.toNanos();
    while (alive(state) && containers.entrySet().stream().anyMatch(e -> e.getValue().pid == state.pid() && ignoringTerm.contains(e.getKey()))) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return !alive(state);
  }

  @Override
  public synchronized void ensureBridge(String bridge, Ipv4Subnet subnet, String uplink, boolean guardUplink) {
    call(OP_BRIDGE, bridge);
    bridges.add(bridge);
    outbound.putIfAbsent(bridge, new TreeSet<>());
  }

  @Override
  public synchronized boolean forwards(String dev) {
    return false;
  }

  @Override
  public synchronized void setOutbound(String bridge, Outbound rules) {
    call(OP_OUTBOUND, bridge);
    if (!bridges.contains(bridge)) {
      throw new IllegalStateException("nft: no table for bridge " + bridge);
    }
    outbound.put(bridge, new TreeSet<>(rules.sites()));
  }

  @Override
  public synchronized void attach(Attachment a) {
    call(OP_ATTACH, a.netns());
    detachQuietly(a);
    if (!bridges.contains(a.bridge())) {
      throw new IllegalStateException("ip: bridge " + a.bridge() + " does not exist");
    }
    if (veths.containsKey(a.hostVeth())) {
      throw new IllegalStateException("ip: interface " + a.hostVeth() + " already exists (alias " + veths.get(a.hostVeth()) + ")");
    }
    netns.put(a.netns(), a);
    veths.put(a.hostVeth(), a.alias());
  }

  @Override
  public synchronized void detach(Attachment a) {
    call(OP_DETACH, a.netns());
    detachQuietly(a);
  }

  private void detachQuietly(Attachment a) {
    if (a.alias().equals(veths.get(a.hostVeth()))) {
      veths.remove(a.hostVeth());
    }
    removeNetns(a.netns());
  }

  private void removeNetns(String name) {
    Attachment gone = netns.remove(name);
    if (gone != null && name.equals(veths.get(gone.hostVeth()))) {
      veths.remove(gone.hostVeth()); // the pair goes with the namespace its peer is in
    }
  }

  @Override
  public synchronized boolean netnsExists(String name) {
    return netns.containsKey(name);
  }

  @Override
  public synchronized void deleteNetns(String name) {
    call(OP_DELETE_NETNS, name);
    removeNetns(name);
  }

  @Override
  public synchronized List<Path> current() {
    return mounts.stream().map(Mount::target).toList();
  }

  @Override
  public synchronized boolean usedAsLowerLayer(Path dir) {
    return mounts.stream().filter(m -> m.type().equals("overlay"))
        .flatMap(m -> Stream.of(m.option("lowerdir").split(":"))).anyMatch(l -> Mounts.isAtOrBelow(l, dir))
        || mounts.stream().anyMatch(m -> m.type().equals(IDMAPPED) && Mounts.isAtOrBelow(m.source(), dir));
  }

  // ---- sites' ids: a view is a mount of type IDMAPPED; owners are not changed (that needs root) ----

  public static final String IDMAPPED = "idmapped";
  public static final String OP_ID_MAP = "ids.mount";

  @Override
  public synchronized void mount(Path userns, List<View> views) {
    call(OP_ID_MAP, views.get(0).target());
    for (View v : views) {
      try {
        Files.createDirectories(v.target());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      mounts.add(new Mount(IDMAPPED, v.source().toString(), List.of("userns=" + userns), v.target().toAbsolutePath().normalize()));
    }
  }

  @Override
  public synchronized void shift(Path tree, int from, int to) {
    shifts.add(tree + ": " + Integer.toUnsignedString(from) + " -> " + Integer.toUnsignedString(to));
  }

  @Override
  public void giveToRoot(Path file, IdMap ids) {}

  /** Every {@link #shift} asked, {@code TREE: FROM -> TO}. */
  public synchronized List<String> shifts() {
    return List.copyOf(shifts);
  }

  @Override
  public synchronized void mount(Mount m) {
    call(OP_MOUNT, m.target());
    if (!Files.isDirectory(m.target())) {
      throw new IllegalStateException("mount: mount point " + m.target() + " does not exist");
    }
    mounts.add(new Mount(m.type(), m.source(), m.options(), m.target().toAbsolutePath().normalize()));
  }

  @Override
  public synchronized void unmount(Path point) {
    call(OP_UNMOUNT, point);
    Path p = point.toAbsolutePath().normalize();
    for (int i = mounts.size() - 1; i >= 0; i--) {
      if (mounts.get(i).target().equals(p)) {
        mounts.remove(i);
        return;
      }
    }
    throw new IllegalStateException("umount: " + point + ": not mounted");
  }

  @Override
  public synchronized void ensure(SiteDisk disk, long bytes) {
    call(OP_DISK, disk.image());
    try {
      Files.createDirectories(disk.mountPoint());
      if (!Files.exists(disk.image()) || Files.size(disk.image()) < bytes && !isMountPoint(disk.mountPoint())) {
        try (RandomAccessFile f = new RandomAccessFile(disk.image().toFile(), "rw")) {
          f.setLength(bytes); // sparse: takes no room
        }
      }
      diskSizes.put(disk.image(), Files.size(disk.image()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!isMountPoint(disk.mountPoint())) {
      mounts.add(disk.mount());
    }
  }

  @Override
  public synchronized long[] usedAndTotal(SiteDisk disk) {
    if (!isMountPoint(disk.mountPoint())) {
      return null;
    }
    try (Stream<Path> files = Files.walk(disk.mountPoint())) {
      long used = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      return new long[] {used, diskSizes.getOrDefault(disk.image(), 0L)};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized long fileUsage(SiteDisk disk) {
    return Files.exists(disk.image()) ? 4096 : 0;
  }

  @Override
  public synchronized void sync(SiteDisk disk) {
    // the fake disk is a directory of the test's file system: nothing to write out
  }

  @Override
  public synchronized Optional<Usage> read(String cgroupPath) {
    return containers.values().stream().filter(b -> b.cgroup.equals(cgroupPath) && b.status.equals("running")).findFirst().map(b -> b.usage);
  }

  @Override
  public synchronized long oomKills(String cgroupPath) {
    return containers.values().stream().filter(b -> b.cgroup.equals(cgroupPath)).mapToLong(b -> b.oomKills).sum();
  }

  /** Accepts on port 80 of a site whose container runs in the namespace holding that address. */
  @Override
  public synchronized boolean accepts(String address, int port, int timeoutMillis) {
    call(OP_PROBE, address + ":" + port);
    return port == 80 && containers.values().stream().anyMatch(b -> b.status.equals("running")
        && netns.containsKey(b.netns) && netns.get(b.netns).address().equals(address));
  }

  @Override
  public synchronized List<String> upstream() {
    return resolvers;
  }

  @Override
  public void close() {
    MoreFiles.deleteRecursively(root);
  }
}
