package dev.pier.engine.container;

import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.image.DebianImages;
import dev.pier.engine.image.Image;
import dev.pier.engine.image.ImageRef;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.network.Attachment;
import dev.pier.engine.network.HostNetwork;
import dev.pier.engine.oci.ContainerSpec;
import dev.pier.engine.oci.OciSpec;
import dev.pier.engine.rootfs.Mounts;
import dev.pier.engine.rootfs.OverlayRootfs;
import dev.pier.engine.rootfs.SiteDisk;
import dev.pier.engine.runc.ContainerState;
import dev.pier.engine.runc.Runc;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.util.MoreFiles;
import dev.pier.engine.util.UndoStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts sites on this host and takes them off again: each site a runc container in new pid, mount, uts and ipc
 * namespaces and a network namespace of its own on the bridge, over an overlay of a shared image and the site's
 * own layer. Every operation is idempotent and safe to repeat after a crash; start undoes its completed steps
 * when a later one fails.
 *
 * <p>On disk, per site: {@code sites/NAME/upper} (the site's layer), {@code work}, {@code rootfs} (the mounted
 * overlay), {@code config.json} (runc's bundle), {@code init.pid} and {@code console.log}.
 */
public final class SiteEngine {

  private static final Logger log = LoggerFactory.getLogger(SiteEngine.class);

  private final EngineConfig config;
  private final CommandRunner runner;
  private final Runc runc;
  private final HostNetwork network;
  private final StaticImage staticImage;
  private final DebianImages debianImages;
  private final dev.pier.engine.limits.CgroupStats cgroupStats = new dev.pier.engine.limits.CgroupStats();

  public SiteEngine(EngineConfig config, CommandRunner runner, Runc runc, StaticImage staticImage) {
    this(config, runner, runc, staticImage, new DebianImages(runner, config.imagesDir()));
  }

  public SiteEngine(EngineConfig config, CommandRunner runner, Runc runc, StaticImage staticImage, DebianImages debianImages) {
    this.debianImages = debianImages;
    this.config = config;
    this.runner = runner;
    this.runc = runc;
    this.network = new HostNetwork(runner);
    this.staticImage = staticImage;
  }

  public SiteEngine(EngineConfig config, CommandRunner runner) {
    this(config, runner, new Runc(runner), new StaticImage());
  }

  public static String containerId(SiteName name) {
    return "pier-" + name.value();
  }

  public EngineConfig config() {
    return config;
  }

  /** The Debian images this engine runs sites on. */
  public DebianImages debianImages() {
    return debianImages;
  }

  /** The built image a site refers to; throws naming it when that build is not on this host. */
  public Image image(ImageRef ref) {
    if (ref.isStatic()) {
      return staticImage.ensure(config.imagesDir());
    }
    return debianImages.version(ref.name(), ref.version(), ref.php()).orElseThrow(() -> new IllegalStateException(
        "image \"" + ref.name() + "\" version " + ref.version() + " is not built on this host"));
  }

  /** Prepares the host: data directories, the built-in image, the bridge with its gateway address. */
  public void init() {
    try {
      Files.createDirectories(config.sitesDir());
      Files.createDirectories(config.imagesDir());
      // Sites' layers hold files their containers' root made: no host user may reach them.
      Files.setPosixFilePermissions(config.sitesDir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + config.dataDir(), e);
    }
    staticImage.ensure(config.imagesDir());
    MoreFiles.writeAtomically(exitRecorder(), ExitRecorder.SCRIPT);
    boolean guardUplink = false;
    if (config.uplink() != null) {
      // Did the host forward on its uplink before Pier? If not (or Pier noted earlier that it turned it on), the
      // firewall keeps the uplink from forwarding anywhere but to the sites.
      Path mark = config.dataDir().resolve("uplink-forwarding-turned-on-by-pier");
      try {
        if (!HostNetwork.forwards(config.uplink())) {
          Files.writeString(mark, config.uplink() + "\n");
        }
        guardUplink = Files.exists(mark) && Files.readString(mark).strip().equals(config.uplink());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + mark, e);
      }
    }
    network.ensureBridge(config.bridge(), config.subnet(), config.uplink(), guardUplink);
  }

  /**
   * Lets exactly these running sites open outbound connections (through the uplink; without one, nowhere).
   * Replaces the whole set in one step, so the caller states what should be, not what changed.
   */
  public void setOutbound(java.util.Collection<String> addresses) {
    network.setOutbound(config.bridge(), addresses);
  }

  /** The host copy of {@link ExitRecorder#SCRIPT}, mounted into every container. */
  private Path exitRecorder() {
    return config.dataDir().resolve("pier-run.sh");
  }

  public Path siteDir(SiteName name) {
    return config.sitesDir().resolve(name.value());
  }

  /** The site's own file system: {@code disk.img}, mounted at {@code layer}. */
  public SiteDisk disk(SiteName name) {
    return new SiteDisk(siteDir(name).resolve("disk.img"), siteDir(name).resolve("layer"));
  }

  /** The site's writable layer: what it adds to and changes in its image, on the site's own file system. */
  public Path siteLayer(SiteName name) {
    return disk(name).mountPoint().resolve("upper");
  }

  public Path consoleLog(SiteName name) {
    return siteDir(name).resolve("console.log");
  }

  /**
   * Creates the site's own file system (mounted from then on), its directories and its default index page, which
   * names the site. Idempotent.
   */
  public void prepare(SiteSpec site) {
    SiteName name = site.name();
    disk(name).ensure(runner, site.diskBytes());
    Path html = siteLayer(name).resolve("var/www/html");
    try {
      Files.createDirectories(html);
      Files.createDirectories(disk(name).mountPoint().resolve("work"));
      boolean php = site.image().php();
      Path index = html.resolve(php ? "index.php" : "index.html");
      if (!Files.exists(index, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        MoreFiles.writeAtomically(index, php ? DefaultPage.renderPhp(name.value(), site.hostname()) : DefaultPage.render(name.value(), site.hostname()));
        Files.setPosixFilePermissions(index, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      if (php) {
        // The counter's database: written by Apache's user only, outside what is served.
        Path data = siteLayer(name).resolve(DefaultPage.DATA_DIR);
        if (!Files.exists(data, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(data);
          Files.setAttribute(data, "unix:uid", StaticImage.WWW_DATA, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(data, "unix:gid", StaticImage.WWW_DATA, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the directories of site \"" + name + "\"", e);
    } finally {
      if (!isRunning(name)) { // a stopped site keeps nothing mounted
        Mounts.unmountAll(runner, disk(name).mountPoint());
      }
    }
  }

  private OverlayRootfs rootfs(SiteName name, Image image) {
    Path layer = disk(name).mountPoint();
    return new OverlayRootfs(image.rootfs(), layer.resolve("upper"), layer.resolve("work"), siteDir(name).resolve("rootfs"));
  }

  private Attachment attachment(SiteSpec site) {
    return Attachment.plan(site.name().value(), site.address(), config.subnet(), config.bridge(), config.vethPrefix());
  }

  /** The pure plan for the site's container. */
  public ContainerSpec containerSpec(SiteSpec site, Image image) {
    Path dir = siteDir(site.name());
    Map<String, Path> etc = new java.util.LinkedHashMap<>();
    for (String f : EtcFiles.render(site.hostname(), site.address()).keySet()) {
      etc.put("/" + f, dir.resolve(f));
    }
    etc.put(ExitRecorder.SCRIPT_PATH, exitRecorder());
    return new ContainerSpec(site.containerId(), site.hostname(), dir.resolve("rootfs"), ExitRecorder.wrap(image.command()),
        attachment(site).netnsPath(), "/" + config.cgroupParent() + "/" + site.containerId(), site.limits(), etc);
  }

  /**
   * Starts the site and waits until it accepts connections on port 80. Leftovers of an earlier attempt are
   * removed first; if any step fails, the steps done so far are undone and the error names what failed.
   */
  public void start(SiteSpec site) {
    teardown(site);
    Image image = image(site.image());
    Attachment net = attachment(site);
    OverlayRootfs fs = rootfs(site.name(), image);
    Path dir = siteDir(site.name());
    String id = site.containerId();
    try (UndoStack undo = new UndoStack()) {
      disk(site.name()).ensure(runner, site.diskBytes());
      undo.push("unmount the file system of " + id, () -> Mounts.unmountAll(runner, disk(site.name()).mountPoint()));
      network.attach(net);
      undo.push("remove network of " + id, () -> network.detach(net));
      fs.mount(runner);
      undo.push("unmount root filesystem of " + id, () -> fs.unmount(runner));
      // Written beside the layer, never through it (the site controls its layer: a symbolic link there must not
      // lead Pier's writes onto the host), and bind-mounted read-only over the container's files.
      for (Map.Entry<String, String> f : EtcFiles.render(site.hostname(), site.address(),
          site.outbound() && config.uplink() != null ? hostResolvers() : List.of()).entrySet()) {
        MoreFiles.writeAtomically(dir.resolve(f.getKey()), f.getValue());
      }
      MoreFiles.writeAtomically(dir.resolve("config.json"), OciSpec.toJson(containerSpec(site, image)));
      // The last run's status; whatever the site put there instead (a directory, a link) goes too, links unfollowed.
      MoreFiles.deleteRecursively(siteLayer(site.name()).resolve(ExitRecorder.STATUS_FILE));
      startLogSection(site.name());
      undo.push("delete container " + id, () -> runc.deleteForce(id));
      runc.run(id, dir, dir.resolve("init.pid"), consoleLog(site.name()));
      awaitReady(site);
      undo.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start site \"" + site.name() + "\"", e);
    }
  }

  /** The host's upstream resolvers (systemd-resolved's list when the host uses its stub), read at each start. */
  private static List<String> hostResolvers() {
    for (Path p : List.of(Path.of("/run/systemd/resolve/resolv.conf"), Path.of("/etc/resolv.conf"))) {
      try {
        if (Files.isRegularFile(p)) {
          List<String> found = EtcFiles.upstreamResolvers(Files.readString(p));
          if (!found.isEmpty()) {
            return found;
          }
        }
      } catch (IOException e) {
        // try the next one
      }
    }
    return List.of();
  }

  private void awaitReady(SiteSpec site) {
    long deadline = System.nanoTime() + config.readyTimeout().toNanos();
    InetSocketAddress target = new InetSocketAddress(site.address(), 80);
    Optional<ProcessHandle> init = initProcess(site.name());
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(target, 250);
        return;
      } catch (IOException notYet) {
        if (init.isEmpty() || !init.get().isAlive()) {
          throw new IllegalStateException("site \"" + site.name() + "\" exited while starting: " + consoleTail(site.name()));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("site \"" + site.name() + "\" did not accept connections on port 80 within "
              + config.readyTimeout().toSeconds() + " s: " + consoleTail(site.name()));
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting site \"" + site.name() + "\"", e);
        }
      }
    }
  }

  /** The container's init, from the pid file runc wrote. */
  private Optional<ProcessHandle> initProcess(SiteName name) {
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(siteDir(name).resolve("init.pid")).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Largest size of console.log before it is moved to console.log.1 at the next start. */
  static final long LOG_ROTATE_BYTES = 8L << 20;

  /**
   * Rotates the console log when it has grown past {@link #LOG_ROTATE_BYTES} (one older generation is kept),
   * then marks where this start's output begins.
   */
  private void startLogSection(SiteName name) throws IOException {
    Path log = consoleLog(name);
    if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
      Files.move(log, log.resolveSibling("console.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(log, "--- Pier started " + name + " at " + java.time.Instant.now() + " ---\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  /**
   * Keeps a running site's console log under {@link #LOG_ROTATE_BYTES}: past it, the log is copied to
   * {@code console.log.1} and emptied in place (the container writes with O_APPEND, so it goes on at the start).
   */
  public void capLog(SiteName name) {
    Path log = consoleLog(name);
    try {
      if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
        Files.copy(log, log.resolveSibling("console.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
          ch.truncate(0);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rotate the log of site \"" + name + "\"", e);
    }
  }

  /** Up to the last {@code maxBytes} of what the site's container printed (stdout and stderr), oldest first. */
  public String readLog(SiteName name, int maxBytes) {
    return MoreFiles.tail(consoleLog(name), maxBytes);
  }

  /** What the container printed since its last start, at most the last 4 KiB, for error messages. */
  public String consoleTail(SiteName name) {
    String tail = readLog(name, 4096);
    int mark = tail.lastIndexOf("--- Pier started ");
    if (mark >= 0) {
      int eol = tail.indexOf('\n', mark);
      tail = eol < 0 ? "" : tail.substring(eol + 1);
    }
    tail = tail.strip();
    return tail.isEmpty() ? "(no output)" : tail;
  }

  /**
   * Stops the site: SIGTERM to its init (tini passes it on), SIGKILL after the grace period, then removes the
   * container, its mounts and its network. Nothing if it was not running.
   */
  public void stop(SiteSpec site, Duration grace) {
    String id = site.containerId();
    Optional<ContainerState> state = runc.state(id);
    if (state.isPresent() && state.get().running() && state.get().pid() > 0) {
      Optional<ProcessHandle> init = ProcessHandle.of(state.get().pid());
      if (runc.kill(id, "TERM") && init.isPresent()) {
        try {
          init.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          log.info("site {} did not stop within {} s of SIGTERM: sending SIGKILL", site.name(), grace.toSeconds());
          runc.kill(id, "KILL");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        }
      }
    }
    teardown(site);
  }

  /**
   * Removes the container, its mounts (root file system, then the site's own file system under it) and its
   * network, whichever exist. Idempotent. A stopped site leaves nothing on the host but its directory.
   */
  public void teardown(SiteSpec site) {
    runc.deleteForce(site.containerId());
    Mounts.unmountAll(runner, siteDir(site.name()));
    network.detach(attachment(site));
  }

  /** Removes everything of the site from the host, its directories included. Idempotent. */
  public void remove(SiteSpec site) {
    teardown(site);
    if (!Mounts.under(siteDir(site.name())).isEmpty()) {
      throw new IllegalStateException("site \"" + site.name() + "\" still has mounts under " + siteDir(site.name()) + ": not deleting it");
    }
    MoreFiles.renameThenDelete(siteDir(site.name()));
  }

  /**
   * Removes whatever a site that no longer exists left on the host, knowing only its name: its container, mounts,
   * network namespace (which takes its veth pair with it) and directory.
   */
  public void removeLeftovers(SiteName name) {
    runc.deleteForce(containerId(name));
    Mounts.unmountAll(runner, siteDir(name));
    network.deleteNetns("pier-" + name.value());
    MoreFiles.renameThenDelete(siteDir(name));
  }

  /**
   * Applies the site's limits to its running container without a restart (they also reach its next start
   * through the spec). Returns false, changing nothing, when the container does not run; throws when the
   * kernel refuses, such as a memory limit below what the site uses now.
   */
  public boolean updateLimits(SiteSpec site) {
    if (!isRunning(site.name())) {
      return false;
    }
    runc.update(site.containerId(), site.limits());
    return true;
  }

  /** What the site's container uses now, or empty when it does not run. */
  public Optional<dev.pier.engine.limits.Usage> usage(SiteName name) {
    return cgroupStats.read("/" + config.cgroupParent() + "/" + containerId(name));
  }

  /**
   * The exit status the site's server ended with, as its container recorded it (read before teardown, while the
   * site's disk is still mounted); empty when it did not record one.
   */
  public java.util.OptionalInt exitStatus(SiteName name) {
    Path f = siteLayer(name).resolve(ExitRecorder.STATUS_FILE);
    try {
      if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return java.util.OptionalInt.empty();
      }
      // The site controls this file: never follow a link it put there, never read more than a status.
      try (var ch = Files.newByteChannel(f, java.util.Set.of(java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16);
        ch.read(buf);
        return ExitRecorder.parse(new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.US_ASCII));
      }
    } catch (IOException | UncheckedIOException e) {
      return java.util.OptionalInt.empty();
    }
  }

  /** How often the OOM killer struck in the site's container since it started (read before teardown). */
  public long oomKills(SiteName name) {
    return cgroupStats.oomKills("/" + config.cgroupParent() + "/" + containerId(name));
  }

  /** Bytes used on the site's own file system: from the mounted file system, else the blocks its file takes. */
  public long diskUsage(SiteName name) {
    SiteDisk disk = disk(name);
    long[] usedAndTotal = disk.usedAndTotal();
    if (usedAndTotal != null) {
      return usedAndTotal[0];
    }
    if (!Files.exists(disk.image())) {
      return 0;
    }
    String du = runner.check(dev.pier.engine.exec.Command.of("du", "--block-size=1", "-s", disk.image().toString())).stdout();
    return Long.parseLong(du.strip().split("\\s+")[0]);
  }

  /**
   * Whether anything of a site is on the host (its container, network namespace or a mount), judged from lists
   * the caller read once for all sites: so a check of many stopped sites costs no process per site.
   */
  public boolean hasLeftovers(SiteName name, java.util.Set<String> containerIds, List<Path> mounts) {
    Path dir = siteDir(name);
    return containerIds.contains(containerId(name)) || network.netnsExists("pier-" + name.value())
        || mounts.stream().anyMatch(m -> m.startsWith(dir));
  }

  /** What runc says of the site's container, or empty if it has none. */
  public Optional<ContainerState> state(SiteName name) {
    return runc.state(containerId(name));
  }

  /** Whether the site's container runs. */
  public boolean isRunning(SiteName name) {
    return state(name).map(ContainerState::running).orElse(false);
  }

  /** Containers whose bundle lies in this engine's sites directory: those this Pier instance made. */
  public List<ContainerState> ownContainers() {
    List<ContainerState> own = new ArrayList<>();
    for (ContainerState c : runc.list()) {
      if (c.bundle() != null && c.bundle().startsWith(config.sitesDir())) {
        own.add(c);
      }
    }
    return own;
  }

}
