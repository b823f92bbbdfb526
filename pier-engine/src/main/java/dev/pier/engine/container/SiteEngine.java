package dev.pier.engine.container;

import dev.pier.engine.content.WebRoot;
import dev.pier.engine.image.DebianImages;
import dev.pier.engine.image.Image;
import dev.pier.engine.image.ImageRef;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.limits.Usage;
import dev.pier.engine.network.Attachment;
import dev.pier.engine.network.Outbound;
import dev.pier.engine.oci.ContainerSpec;
import dev.pier.engine.oci.OciSpec;
import dev.pier.engine.rootfs.IdMap;
import dev.pier.engine.rootfs.SiteDisk;
import dev.pier.engine.runc.ContainerState;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.util.MoreFiles;
import dev.pier.engine.util.UndoStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts sites on this host and takes them off again: each site a runc container in a user namespace of its own ids
 * (its root is nobody on the host: {@link SiteRoots}), new pid, mount, uts, ipc and cgroup namespaces and a network
 * namespace of its own on the bridge, over an overlay of a shared image and the site's own layer. It only orchestrates: every side effect goes through one of its {@link EngineDrivers}, in order,
 * each step with its undo. Every operation is idempotent and safe to repeat after a crash; start undoes its
 * completed steps when a later one fails. Host objects are named after the instance ({@link HostNames}).
 *
 * <p>On disk, per site: see {@link SiteLayout}.
 */
public final class SiteEngine {

  private static final Logger log = LoggerFactory.getLogger(SiteEngine.class);

  private final EngineConfig config;
  private final EngineDrivers host;
  private final HostNames names;
  private final SiteLayout layout;
  private final StaticImage staticImage;
  private final DebianImages debianImages;
  private final SiteContents contents;
  private final SiteRoots roots;

  public SiteEngine(EngineConfig config, EngineDrivers host, StaticImage staticImage, DebianImages debianImages) {
    this.config = config;
    this.host = host;
    this.names = config.names();
    this.layout = new SiteLayout(config.sitesDir(), config.runDir());
    this.roots = new SiteRoots(host, layout);
    this.staticImage = staticImage;
    this.debianImages = debianImages;
    this.contents = new SiteContents(host, layout, names, this::isRunning);
  }

  /** The container id of a site on this instance, {@code INSTANCE-NAME} ({@code pier-blog}). */
  public String containerId(SiteName name) {
    return names.containerId(name);
  }

  public HostNames names() {
    return names;
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
      Files.setPosixFilePermissions(config.sitesDir(), PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + config.dataDir(), e);
    }
    roots.init();
    staticImage.ensure(config.imagesDir());
    SiteFiles.writeAll(config.dataDir(), Map.of(exitRecorder().getFileName().toString(), ExitRecorder.SCRIPT));
    host.network().ensureBridge(config.bridge(), config.subnet(), config.uplink(), config.uplink() != null
        && UplinkMark.guard(config.dataDir(), host.network(), config.uplink()));
  }

  /** Lets exactly these sites go out (through the uplink; without one, nowhere): {@link Outbound}, replaced at once. */
  public void setOutbound(Collection<String> addresses, Collection<String> allowed) {
    Set<String> dns = new TreeSet<>(host.resolvers().upstream().stream().filter(a -> a.matches("[0-9.]+")).toList());
    host.network().setOutbound(config.bridge(), new Outbound(new TreeSet<>(addresses), new TreeSet<>(allowed), dns));
  }

  /** The host copy of {@link ExitRecorder#SCRIPT}, mounted into every container. */
  private Path exitRecorder() {
    return config.dataDir().resolve("pier-run.sh");
  }

  public Path siteDir(SiteName name) {
    return layout.siteDir(name);
  }

  /** The site's own file system: {@code disk.img}, mounted at {@code layer}. */
  public SiteDisk disk(SiteName name) {
    return layout.disk(name);
  }

  /** The site's writable layer: what it adds to and changes in its image, on the site's own file system. */
  public Path siteLayer(SiteName name) {
    return layout.layer(name);
  }

  private ConsoleLog console(SiteName name) {
    return layout.console(name);
  }

  /** Creates the site's own file system if needed, grows it to the site's size if smaller, and mounts it. */
  public void mountDisk(SiteSpec site) {
    host.disks().ensure(disk(site.name()), site.diskBytes());
  }

  /** Bytes in use and in all on the site's mounted file system, or null when it is not mounted. */
  public long[] diskSpace(SiteName name) {
    return host.disks().usedAndTotal(disk(name));
  }

  /**
   * Creates the site's own file system (mounted from then on), its directories and its default index page, which
   * names the site. Idempotent.
   */
  public void prepare(SiteSpec site) {
    SiteDisk disk = disk(site.name());
    host.disks().ensure(disk, site.diskBytes());
    try {
      SiteFiles.ensureWebRoot(disk.mountPoint(), site);
    } finally {
      if (!isRunning(site.name())) { // a stopped site keeps nothing mounted
        host.mounts().unmountAll(disk.mountPoint());
      }
    }
  }

  private Attachment attachment(SiteSpec site) {
    return Attachment.of(names.netns(site.name()), site.address(), config.subnet(), config.bridge(), config.vethPrefix())
        .withUserNamespace(ids(site));
  }

  /** The pure plan for the site's container. */
  public ContainerSpec containerSpec(SiteSpec site, Image image) {
    Path dir = siteDir(site.name());
    Map<String, Path> etc = new LinkedHashMap<>();
    for (String f : EtcFiles.render(site.hostname(), site.address()).keySet()) {
      etc.put("/" + f, dir.resolve(f));
    }
    etc.put(ExitRecorder.SCRIPT_PATH, exitRecorder());
    WebRoot web = new WebRoot(layout.mappedDisk(site.name())); // (the site's view of its file system)
    List<ContainerSpec.Dir> dirs = List.of(new ContainerSpec.Dir(WebRoot.WWW_INSIDE, web.www(), false),
        new ContainerSpec.Dir(WebRoot.DATA_INSIDE, web.data(), true));
    return new ContainerSpec(containerId(site.name()), site.hostname(), layout.rootfs(site.name()), ExitRecorder.wrap(image.command()),
        attachment(site).netnsPath(), names.cgroupPath(site.name()), site.limits(), etc, dirs, ids(site), attachment(site).usernsPath());
  }

  /**
   * Starts the site and waits until it accepts connections on port 80. Leftovers of an earlier attempt are
   * removed first; if any step fails, the steps done so far are undone and the error names what failed.
   */
  public void start(SiteSpec site) {
    teardown(site);
    SiteName name = site.name();
    Image image = image(site.image());
    Attachment net = attachment(site);
    String id = containerId(name);
    try (UndoStack undo = new UndoStack()) {
      host.disks().ensure(disk(name), site.diskBytes());
      undo.push("unmount the file system of " + id, () -> host.mounts().unmountAll(disk(name).mountPoint()));
      SiteFiles.ensureWebRoot(disk(name).mountPoint(), site);
      host.network().attach(net);
      undo.push("remove network of " + id, () -> host.network().detach(net));
      roots.mount(name, image, net, undo);
      List<String> resolvers = site.outbound() && config.uplink() != null ? host.resolvers().upstream() : List.of();
      SiteFiles.writeAll(siteDir(name), EtcFiles.render(site.hostname(), site.address(), resolvers));
      MoreFiles.writeAtomically(layout.bundleSpec(name), OciSpec.toJson(containerSpec(site, image)));
      SiteFiles.clearExitStatus(layout.layer(name));
      console(name).open(host.mounts(), name.value(), f -> host.ids().giveToRoot(f, ids(site)));
      undo.push("unmount the log of " + id, () -> host.mounts().unmountAll(console(name).dir()));
      undo.push("keep the log of " + id, () -> console(name).keep()); // (once the container is deleted, below)
      undo.push("delete container " + id, () -> host.runtime().deleteForce(id));
      host.runtime().run(id, siteDir(name), layout.pidFile(name), console(name).file());
      awaitReady(site);
      undo.commit();
    }
  }

  /** The site's user namespace: its ids on the host, from its address. */
  private static IdMap ids(SiteSpec site) {
    return IdMap.forAddress(site.address());
  }

  private void awaitReady(SiteSpec site) {
    long deadline = System.nanoTime() + config.readyTimeout().toNanos();
    Optional<ContainerState> init = host.runtime().state(containerId(site.name()));
    while (!host.probe().accepts(site.address(), 80, 250)) {
      if (init.isEmpty() || !host.runtime().alive(init.get())) {
        throw new SiteFault("site \"" + site.name() + "\" exited while starting: " + consoleTail(site.name()));
      }
      if (System.nanoTime() > deadline) {
        throw new SiteFault("site \"" + site.name() + "\" did not accept connections on port 80 within "
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

  /** The site's content: its releases, with its file system mounted for the call when it is stopped. */
  public SiteContents contents() {
    return contents;
  }

  /** Keeps a running site's console log within its limits ({@link ConsoleLog#cap}). */
  public void capLog(SiteName name) {
    console(name).cap(name.value());
  }

  /** Up to the last {@code maxBytes} of what the site's container printed (stdout and stderr), oldest first. */
  public String readLog(SiteName name, int maxBytes) {
    return console(name).read(maxBytes);
  }

  /** What the container printed since its last start, at most the last 4 KiB, for error messages. */
  public String consoleTail(SiteName name) {
    return console(name).tail();
  }

  /**
   * Stops the site: SIGTERM to its init (tini passes it on), SIGKILL after the grace period, then removes the
   * container, its mounts and its network. Nothing if it was not running.
   */
  public void stop(SiteSpec site, Duration grace) {
    String id = containerId(site.name());
    Optional<ContainerState> state = host.runtime().state(id);
    if (state.isPresent() && state.get().running() && state.get().pid() > 0) {
      if (host.runtime().kill(id, "TERM") && !host.runtime().awaitExit(state.get(), grace)) {
        log.info("site {} did not stop within {} s of SIGTERM: sending SIGKILL", site.name(), grace.toSeconds());
        host.runtime().kill(id, "KILL");
      }
    }
    teardown(site);
  }

  /**
   * Removes the container, its mounts (root file system, then the site's own file system under it) and its
   * network, whichever exist. Idempotent. A stopped site leaves nothing on the host but its directory.
   */
  public void teardown(SiteSpec site) {
    host.runtime().deleteForce(containerId(site.name()));
    console(site.name()).keep();
    roots.unmount(site.name());
    host.mounts().unmountAll(siteDir(site.name()));
    host.network().detach(attachment(site));
  }

  /** Removes everything of the site from the host, its directories included. Idempotent. */
  public void remove(SiteSpec site) {
    teardown(site);
    if (!host.mounts().under(siteDir(site.name())).isEmpty()) {
      throw new IllegalStateException("site \"" + site.name() + "\" still has mounts under " + siteDir(site.name()) + ": not deleting it");
    }
    MoreFiles.renameThenDelete(siteDir(site.name()));
    roots.remove(site.name());
  }

  /**
   * Removes whatever a site that no longer exists left on the host, knowing only its name: its container, mounts,
   * network namespace (which takes its veth pair with it) and directory.
   */
  public void removeLeftovers(SiteName name) {
    host.runtime().deleteForce(containerId(name));
    roots.unmount(name);
    host.mounts().unmountAll(siteDir(name));
    host.network().deleteNetns(names.netns(name));
    MoreFiles.renameThenDelete(siteDir(name));
    roots.remove(name);
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
    host.runtime().update(containerId(site.name()), site.limits());
    return true;
  }

  /** What the site's container uses now, or empty when it does not run. */
  public Optional<Usage> usage(SiteName name) {
    return host.cgroups().read(names.cgroupPath(name));
  }

  /**
   * The exit status the site's server ended with, as its container recorded it (read before teardown, while the
   * site's disk is still mounted); empty when it did not record one.
   */
  public OptionalInt exitStatus(SiteName name) {
    return SiteFiles.readExitStatus(layout.layer(name));
  }

  /** How often the OOM killer struck in the site's container since it started (read before teardown). */
  public long oomKills(SiteName name) {
    return host.cgroups().oomKills(names.cgroupPath(name));
  }

  /**
   * What is on the host of the site now, read in one go: whether its container runs, or how it ended (read before
   * teardown). For callers that compare what should be with what is.
   */
  public SiteStatus observe(SiteName name) {
    Optional<ContainerState> state = state(name);
    if (state.isPresent() && state.get().running()) {
      return new SiteStatus(SiteStatus.Phase.RUNNING, state, OptionalInt.empty(), 0);
    }
    return new SiteStatus(state.isPresent() ? SiteStatus.Phase.EXITED : SiteStatus.Phase.ABSENT, state, exitStatus(name), oomKills(name));
  }

  /** Bytes used on the site's own file system: from the mounted file system, else the blocks its file takes. */
  public long diskUsage(SiteName name) {
    long[] usedAndTotal = diskSpace(name);
    return usedAndTotal != null ? usedAndTotal[0] : host.disks().fileUsage(disk(name));
  }

  /** The mount points on the host now, to pass to {@link #hasLeftovers} for many sites at once. */
  public List<Path> mountPoints() {
    return host.mounts().current();
  }

  /**
   * Whether anything of a site is on the host (its container, network namespace or a mount), judged from lists
   * the caller read once for all sites: so a check of many stopped sites costs no process per site.
   */
  public boolean hasLeftovers(SiteName name, Set<String> containerIds, List<Path> mounts) {
    Path dir = siteDir(name);
    return containerIds.contains(containerId(name)) || host.network().netnsExists(names.netns(name))
        || mounts.stream().anyMatch(m -> m.startsWith(dir) || m.startsWith(layout.siteRunDir(name)));
  }

  /** What the runtime says of the site's container, or empty if it has none. */
  public Optional<ContainerState> state(SiteName name) {
    return host.runtime().state(containerId(name));
  }

  /** Whether the site's container runs. */
  public boolean isRunning(SiteName name) {
    return state(name).map(ContainerState::running).orElse(false);
  }

  /** Containers this instance made: named as its own and with their bundle in this engine's sites directory. */
  public List<ContainerState> ownContainers() {
    return host.runtime().list().stream()
        .filter(c -> names.owns(c.id()) && c.bundle() != null && c.bundle().startsWith(config.sitesDir()))
        .toList();
  }
}
