package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.content.ContentSource;
import dev.pier.engine.content.Unpacker;
import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.host.RealHost;
import dev.pier.engine.limits.Limits;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.testing.TestHost;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real runc, bridge, netns, veth, overlay and cgroups, as root. */
@Tag("root")
class SiteEngineRootTest {

  private TestHost host;
  private SiteEngine engine;
  private final ProcessRunner runner = new ProcessRunner();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void setUp() throws IOException {
    host = new TestHost();
    engine = RealHost.siteEngine(host.config, runner);
    engine.init();
  }

  @AfterEach
  void tearDown() throws IOException {
    host.close();
  }

  private SiteSpec site(String base, String address) {
    String name = host.siteName(base);
    return new SiteSpec(SiteName.of(name), name + ".example.test", address, Limits.DEFAULT);
  }

  private String address(int hostIndex) {
    String gw = host.config.subnet().gatewayAddress();
    return gw.substring(0, gw.lastIndexOf('.') + 1) + hostIndex;
  }

  private HttpResponse<String> get(String address) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void startedSiteServesItsPageFromItsOwnContainerAndLeavesNothingWhenRemoved() throws Exception {
    SiteSpec s = site("blog", address(7));
    engine.prepare(s);
    engine.start(s);

    HttpResponse<String> page = get(s.address());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>" + s.name() + "</h1>");
    assertThat(engine.isRunning(s.name())).isTrue();

    // Own namespaces and hostname: the container's hostname is the site's full name, its pid 1 is tini.
    String pid = String.valueOf(engine.state(s.name()).orElseThrow().pid());
    assertThat(Files.readSymbolicLink(Path.of("/proc", pid, "ns", "pid")))
        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")));
    assertThat(Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")))
        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
    String inside = runner.check(Command.of("runc", "exec", s.containerId(), "/bin/busybox", "hostname")).stdout().strip();
    assertThat(inside).isEqualTo(s.hostname());
    assertThat(runner.check(Command.of("runc", "exec", s.containerId(), "/bin/busybox", "cat", "/etc/hosts")).stdout())
        .contains(s.address() + "\t" + s.hostname());
    // Limits reach the cgroup.
    Path memory = Path.of("/sys/fs/cgroup/memory", host.config.cgroupParent(), s.containerId(), "memory.limit_in_bytes");
    Path memoryV2 = Path.of("/sys/fs/cgroup", host.config.cgroupParent(), s.containerId(), "memory.max");
    assertThat(Files.readString(Files.exists(memory) ? memory : memoryV2).strip()).isEqualTo(String.valueOf(128L << 20));
    Path cgroupV1 = Path.of("/sys/fs/cgroup");
    Path cgroupV2 = Path.of("/sys/fs/cgroup", host.config.cgroupParent(), s.containerId());
    if (Files.exists(memory)) {
      assertThat(Files.readString(cgroupV1.resolve("cpu").resolve(host.config.cgroupParent()).resolve(s.containerId()).resolve("cpu.cfs_quota_us")).strip())
          .isEqualTo("50000");
      assertThat(Files.readString(cgroupV1.resolve("pids").resolve(host.config.cgroupParent()).resolve(s.containerId()).resolve("pids.max")).strip())
          .isEqualTo("64");
    } else {
      assertThat(Files.readString(cgroupV2.resolve("cpu.max")).strip()).isEqualTo("50000 100000");
      assertThat(Files.readString(cgroupV2.resolve("pids.max")).strip()).isEqualTo("64");
    }
    // Operators find it by name.
    assertThat(TestHost.hostObjectsNamed(s.name().value())).anyMatch(o -> o.startsWith("netns: pier-" + s.name()))
        .anyMatch(o -> o.startsWith("runc container: pier-" + s.name())).anyMatch(o -> o.contains("alias pier-" + s.name()));

    engine.stop(s, Duration.ofSeconds(5));
    assertThat(engine.isRunning(s.name())).isFalse();
    assertThat(TestHost.hostObjectsNamed(s.name().value())).isEmpty();
    engine.mountDisk(s); // the site's files stay on its own file system
    assertThat(Files.readString(engine.contents().webRoot(s.name()).live().resolve("index.html"))).contains(s.name().value());

    engine.start(s);
    assertThat(get(s.address()).body()).contains(s.name().value());
    engine.remove(s);
    assertThat(TestHost.hostObjectsNamed(s.name().value())).isEmpty();
    assertThat(engine.siteDir(s.name())).doesNotExist();
  }

  @Test
  void twoSitesRunSideBySideEachAnsweringWithItsOwnPage() throws Exception {
    SiteSpec a = site("one", address(1));
    SiteSpec b = site("two", address(2));
    engine.prepare(a);
    engine.prepare(b);
    engine.start(a);
    engine.start(b);
    assertThat(get(a.address()).body()).contains(a.name().value()).doesNotContain(b.name().value());
    assertThat(get(b.address()).body()).contains(b.name().value());
    engine.stop(a, Duration.ofSeconds(5));
    assertThat(get(b.address()).statusCode()).isEqualTo(200);
  }

  @Test
  void startAfterACrashMidwayClearsTheLeftoversAndServes() throws Exception {
    SiteSpec s = site("crash", address(9));
    engine.prepare(s);
    // A crash after the network and the mount, before runc: make those two by hand.
    dev.pier.engine.network.Attachment net = dev.pier.engine.network.Attachment.plan(s.name().value(), s.address(),
        host.config.subnet(), host.config.bridge(), host.config.vethPrefix());
    new dev.pier.engine.network.HostNetwork(runner).attach(net);
    Path dir = engine.siteDir(s.name());
    Path layer = engine.disk(s.name()).mountPoint();
    new dev.pier.engine.rootfs.OverlayRootfs(host.dataDir.resolve("images/static").toFile().listFiles()[0].toPath().resolve("rootfs"),
        layer.resolve("upper"), layer.resolve("work"), dir.resolve("rootfs")).mount(new dev.pier.engine.rootfs.ProcMountTable(runner));
    engine.start(s);
    assertThat(get(s.address()).statusCode()).isEqualTo(200);
    // And a crash after runc: the container killed behind Pier's back.
    runner.check(Command.of("runc", "kill", s.containerId(), "KILL"));
    engine.start(s);
    assertThat(get(s.address()).statusCode()).isEqualTo(200);
  }

  @Test
  void aSymbolicLinkInTheSitesLayerCannotLeadPiersWritesOntoTheHost() throws Exception {
    SiteSpec s = site("sneaky", address(13));
    engine.prepare(s);
    Path bait = Files.createTempDirectory(host.dataDir, "bait-");
    // What a site's root could do inside its container: make /etc point elsewhere.
    engine.mountDisk(s);
    Files.createSymbolicLink(engine.siteLayer(s.name()).resolve("etc"), bait);
    engine.start(s);
    assertThat(bait).isEmptyDirectory();
    assertThat(get(s.address()).body()).contains(s.name().value());
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void stopKillsASiteThatIgnoresSigtermOnceTheGracePeriodIsOver() throws Exception {
    // httpd started with SIGTERM ignored (an ignored signal stays ignored across exec).
    SiteEngine stubborn = RealHost.siteEngine(host.config, runner,
        new dev.pier.engine.image.StaticImage(dev.pier.engine.image.StaticImage.DEFAULT_BUSYBOX, dev.pier.engine.image.StaticImage.DEFAULT_TINI,
            java.util.List.of("/bin/busybox", "sh", "-c", "trap '' TERM; exec /bin/busybox httpd -f -p 80 -h /var/www/html")));
    SiteSpec s = site("stubborn", address(11));
    stubborn.start(s);
    assertThat(get(s.address()).statusCode()).isEqualTo(200);
    String pid = String.valueOf(stubborn.state(s.name()).orElseThrow().pid());
    // tini's child is Pier's exit recorder; its child is the server.
    String recorder = Files.readString(Path.of("/proc", pid, "task", pid, "children")).strip().split(" ")[0];
    String ignored = Files.readString(Path.of("/proc", recorder, "task", recorder, "children")).strip();
    String sigIgn = Files.readAllLines(Path.of("/proc", ignored.split(" ")[0], "status")).stream()
        .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().split("\\s+")[1];
    assertThat(Long.parseLong(sigIgn, 16) & (1L << 14)).as("httpd ignores SIGTERM (15)").isNotZero();

    stubborn.stop(s, Duration.ofSeconds(1));
    assertThat(stubborn.isRunning(s.name())).isFalse();
    assertThat(TestHost.hostObjectsNamed(s.name().value())).isEmpty();
  }

  private dev.pier.engine.exec.CommandResult inside(SiteSpec s, String... argv) {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("runc", "exec", s.containerId()));
    cmd.addAll(java.util.List.of(argv));
    return runner.run(Command.of(cmd).withTimeout(Duration.ofSeconds(20)));
  }

  @Test
  void aSiteSeesItsWebRootReadOnlyAndRunsNothingFromItsContentOrData() throws Exception {
    SiteSpec s = site("readonly", address(23));
    engine.prepare(s);
    engine.start(s);
    engine.contents().with(s.name(), () -> s, true, r -> {
      ContentSource tool = sink -> sink.accept(new ContentSource.Entry("run.sh", ContentSource.Kind.FILE, 0755, -1),
          new ByteArrayInputStream("#!/bin/sh\necho RAN\n".getBytes(StandardCharsets.UTF_8)));
      return r.activate(r.keep(r.stage(tool, new Unpacker.Limits(1 << 20, 10))));
    });
    var write = inside(s, "/bin/busybox", "touch", "/var/www/html/planted");
    assertThat(write.succeeded()).as("root inside writes the web root: " + write).isFalse();
    assertThat(write.stderr()).contains("Read-only file system");
    var data = inside(s, "/bin/busybox", "sh", "-c", "echo kept > /var/www/data/note && /bin/busybox cat /var/www/data/note");
    assertThat(data.stdout()).as(data.toString()).contains("kept");
    var run = inside(s, "/var/www/html/run.sh");
    assertThat(run.succeeded()).as("a published program runs: " + run).isFalse();
    assertThat(run.stdout()).doesNotContain("RAN");
    var copied = inside(s, "/bin/busybox", "sh", "-c", "/bin/busybox cp /bin/busybox /var/www/data/bb && /var/www/data/bb echo RAN");
    assertThat(copied.stdout()).as("a program copied into the data runs: " + copied).doesNotContain("RAN");
    assertThat(engine.isRunning(s.name())).isTrue();
    engine.remove(s);
  }

  /**
   * A tenant's own static program (syscall-probe.c, built with gcc) makes each call the allow-list refuses: each fails
   * with EPERM (io_uring and personality, which the capabilities left to a site do not stop, succeed without the
   * profile); ordinary calls still work, and so do the site's shell and server. The site has its own cgroup namespace
   * and no core dumps.
   */
  @Test
  void theSeccompAllowListRefusesWhatASiteNeverNeedsAndNothingItDoes() throws Exception {
    Path probe = Files.createTempDirectory("pier-probe-").resolve("probe");
    try {
      var built = runner.run(Command.of("gcc", "-static", "-O1", "-o", probe.toString(),
          Path.of(getClass().getResource("/syscall-probe.c").toURI()).toString()));
      assertThat(built.succeeded()).as("gcc: " + built).isTrue();
      java.util.List<String> refused = java.util.List.of("io_uring_setup", "userfaultfd", "keyctl", "bpf", "perf_event_open", "mount",
          "unshare", "setns", "clone_newuser", "ptrace", "kexec_load", "init_module", "clock_settime", "settimeofday",
          "personality_read_implies_exec");
      // (Never run on the host: as root there, these calls would change the host itself.)
      SiteSpec s = site("probed", address(24));
      engine.prepare(s);
      engine.start(s);
      Path inRoot = host.runDir().resolve(s.name().value()).resolve("root").resolve("probe");
      Files.copy(probe, inRoot);
      Files.setPosixFilePermissions(inRoot, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      java.util.List<String> inside = new java.util.ArrayList<>(java.util.List.of("/probe", "fork", "personality_query"));
      inside.addAll(refused);
      var result = inside(s, inside.toArray(String[]::new));
      assertThat(result.succeeded()).as(result.toString()).isTrue();
      assertThat(result.stdout()).contains("fork=0", "personality_query=0");
      for (String call : refused) {
        assertThat(result.stdout()).as(call).contains(call + "=1\n");
      }
      assertThat(inside(s, "/bin/busybox", "sh", "-c", "echo ok > /tmp/x && cat /tmp/x").stdout()).contains("ok");
      assertThat(get(s.address()).statusCode()).isEqualTo(200);

      String cgroup = inside(s, "/bin/busybox", "cat", "/proc/self/cgroup").stdout();
      assertThat(cgroup).as("its own cgroup namespace").doesNotContain(host.config.cgroupParent());
      assertThat(inside(s, "/bin/busybox", "sh", "-c", "ulimit -c").stdout().strip()).as("core dumps").isEqualTo("0");
      assertThat(inside(s, "/bin/busybox", "sh", "-c", "ulimit -c unlimited").succeeded()).as("and cannot turn them on").isFalse();
      engine.remove(s);
    } finally {
      Files.deleteIfExists(probe);
      Files.deleteIfExists(probe.getParent());
    }
  }

  /**
   * Each site's root is a stranger on the host: the site's ids are a range of host ids of its own (from 2^30, by its
   * address), so a process that escaped its container reaches neither Pier's files nor another site's processes. Its
   * image and its content keep their owners as it sees them; a layer an earlier Pier left (owned by the host's ids)
   * moves over at the next start.
   */
  @Test
  void aSitesRootIsAStrangerOnTheHostAndToEveryOtherSite() throws Exception {
    SiteSpec a = site("ida", address(26));
    SiteSpec b = site("idb", address(27));
    engine.prepare(a);
    engine.prepare(b);
    // As an earlier Pier left a's layer: a file of www-data's (33) owned so on the host, and no record of its ids.
    engine.mountDisk(a);
    Path old = engine.siteLayer(a.name()).resolve("var/cache/old.txt");
    Files.createDirectories(old.getParent());
    Files.writeString(old, "made before");
    Files.setAttribute(old, "unix:uid", 33, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    engine.start(a);
    engine.start(b);
    int baseA = dev.pier.engine.rootfs.IdMap.forAddress(a.address()).hostBase();
    int baseB = dev.pier.engine.rootfs.IdMap.forAddress(b.address()).hostBase();
    assertThat(baseA).isNotEqualTo(baseB).isGreaterThanOrEqualTo(1 << 30);

    long initA = engine.state(a.name()).orElseThrow().pid();
    assertThat(Files.readString(Path.of("/proc/" + initA + "/uid_map")).trim().split("\\s+")).containsExactly("0", String.valueOf(baseA), "65536");
    long serverA = TestHost.serverPid(a.containerId());
    long serverB = TestHost.serverPid(b.containerId());
    assertThat(Files.readString(Path.of("/proc/" + serverB + "/status"))).as("b's server as the host sees it")
        .containsPattern("(?m)^Uid:\\s+" + baseB + "\\s");
    assertThat(get(a.address()).statusCode()).as("its server binds port 80 all the same").isEqualTo(200);
    assertThat(new dev.pier.engine.rootfs.ProcMountTable(runner).usedAsLowerLayer(engine.image(a.image()).rootfs()))
        .as("the image, seen through the sites' views, is in use").isTrue();
    assertThat(get(b.address()).statusCode()).isEqualTo(200);

    assertThat(inside(a, "/bin/busybox", "stat", "-c", "%u:%g", "/bin/busybox", "/var/www", "/var/cache/old.txt").stdout().lines())
        .as("the image, its content and its old layer as the site sees them").containsExactly("0:0", "0:0", "33:0");
    assertThat(Files.getAttribute(old, "unix:uid")).as("the old file on the host").isEqualTo(baseA + 33);
    assertThat(inside(a, "/bin/busybox", "sh", "-c", "echo new > /var/cache/new.txt").succeeded()).isTrue();
    assertThat(Files.getAttribute(old.resolveSibling("new.txt"), "unix:uid")).as("what its root writes").isEqualTo(baseA);

    // What a process that escaped site a would be: the host's uid baseA, in no group. A signal (0: none is sent, the
    // right to is checked) reaches a process of the same uid, in any namespace: its own site's, never a neighbour's.
    java.util.function.Function<List<String>, dev.pier.engine.exec.CommandResult> escaped = argv -> {
      List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + baseA, "--regid=" + baseA, "--clear-groups"));
      cmd.addAll(argv);
      return runner.run(Command.of(cmd));
    };
    assertThat(escaped.apply(List.of("/bin/busybox", "kill", "-0", String.valueOf(serverA))).succeeded()).as("its own site's server")
        .isTrue();
    var neighbour = escaped.apply(List.of("/bin/busybox", "kill", "-0", String.valueOf(serverB)));
    assertThat(neighbour.succeeded()).as("the neighbour's server: " + neighbour).isFalse();
    assertThat(neighbour.stderr()).contains("not permitted");
    Path rootB = host.runDir().resolve(b.name().value()).resolve("root");
    assertThat(escaped.apply(List.of("/bin/cat", rootB.resolve("bin/busybox").toString())).succeeded())
        .as("the neighbour's root file system, by its path").isFalse();
    assertThat(escaped.apply(List.of("/bin/busybox", "touch", rootB.resolve("tmp/planted").toString())).succeeded())
        .as("a file planted in the neighbour's /tmp").isFalse();
    assertThat(runner.run(Command.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/cat",
        rootB.resolve("bin/busybox").toString())).succeeded()).as("nor any host account").isFalse();
    assertThat(Files.size(rootB.resolve("bin/busybox"))).as("which Pier reads").isPositive();

    // A site elsewhere (another Pier's, say) whose address gives it the same ids does not get them while a runs.
    var clash = dev.pier.engine.network.Attachment.of("pier-clash-" + host.tag, address(28), host.config.subnet(), host.config.bridge(),
        host.config.vethPrefix()).withUserNamespace(dev.pier.engine.rootfs.IdMap.forAddress(a.address()));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.pier.engine.network.HostNetwork(runner).attach(clash))
        .hasMessageContaining("which " + a.containerId() + " has");
    assertThat(TestHost.hostObjectsNamed("pier-clash-" + host.tag)).isEmpty();
    var bundle = escaped.apply(List.of("/bin/cat", engine.siteDir(b.name()).resolve("config.json").toString()));
    assertThat(bundle.succeeded()).as("Pier's data directory: " + bundle).isFalse();
    engine.remove(a);
    engine.remove(b);
  }

  @Test
  void fromInsideASiteNeitherItsNeighbourNorTheKernelsDangerousCallsAreWithinReach() throws Exception {
    SiteSpec a = site("tenant", address(21));
    SiteSpec b = site("neighbour", address(22));
    engine.prepare(a);
    engine.prepare(b);
    engine.start(a);
    engine.start(b);

    // The host reaches both; the sites do not reach each other.
    assertThat(get(b.address()).statusCode()).isEqualTo(200);
    // (busybox nc, not wget: Debian's static busybox wget crashes when given a timeout.)
    var own = inside(a, "/bin/busybox", "nc", "-w", "2", a.address(), "80");
    assertThat(own.succeeded()).as("its own port 80 from inside: " + own).isTrue();
    var neighbour = inside(a, "/bin/busybox", "nc", "-w", "2", b.address(), "80");
    assertThat(neighbour.succeeded()).as("the neighbour's port 80 from inside a site: " + neighbour).isFalse();

    var mount = inside(a, "/bin/busybox", "mount", "-t", "tmpfs", "none", "/tmp");
    assertThat(mount.succeeded()).as("mount inside a site").isFalse();
    var unshare = inside(a, "/bin/busybox", "unshare", "-n", "/bin/busybox", "true");
    assertThat(unshare.succeeded()).as("unshare inside a site").isFalse();
    var userns = inside(a, "/bin/busybox", "unshare", "-U", "/bin/busybox", "true");
    assertThat(userns.succeeded()).as("a new user namespace inside a site").isFalse();

    // Nothing on the host is reachable through the gateway address, though the host listens there.
    try (java.net.ServerSocket hostService = new java.net.ServerSocket(0)) {
      Thread.ofVirtual().start(() -> { // answers each connection by closing it, so a client that got in returns at once
        while (!hostService.isClosed()) {
          try {
            hostService.accept().close();
          } catch (java.io.IOException closed) {
            return;
          }
        }
      });
      String gateway = host.config.subnet().gatewayAddress();
      var toHost = inside(a, "/bin/busybox", "nc", "-w", "2", gateway, String.valueOf(hostService.getLocalPort()));
      assertThat(toHost.succeeded()).as("a host service through the gateway from inside a site: " + toHost).isFalse();
    }
    // No raw sockets: ping needs one.
    var ping = inside(a, "/bin/busybox", "ping", "-c", "1", "-w", "2", b.address());
    assertThat(ping.succeeded()).as("ping (a raw socket) inside a site: " + ping).isFalse();

    // While all that ran, the neighbour kept answering.
    assertThat(get(b.address()).body()).contains(b.name().value());
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aForkBombAndAMemoryHogHitTheirSitesLimitsWhileTheNeighbourKeepsAnswering() throws Exception {
    SiteSpec hog = site("hog", address(31));
    SiteSpec calm = site("calm", address(32));
    engine.prepare(hog);
    engine.prepare(calm);
    engine.start(hog);
    engine.start(calm);

    // 200 MiB in one buffer, in a site limited to 128 MiB: the kernel kills it (SIGKILL, status 137).
    var memory = inside(hog, "/bin/busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1");
    assertThat(memory.exitCode()).as("memory hog: " + memory).isEqualTo(137);
    assertThat(get(calm.address()).body()).contains(calm.name().value());

    // A fork bomb runs into the limit of 64 processes: forks fail, the host and the neighbour are untouched.
    var bomb = inside(hog, "/bin/busybox", "sh", "-c",
        "i=0; while [ $i -lt 200 ]; do /bin/busybox sleep 60 </dev/null >/dev/null 2>&1 & i=$((i+1)); done; exit 0");
    assertThat(bomb.stderr()).as("fork bomb: " + bomb).containsIgnoringCase("fork");
    Path v1 = Path.of("/sys/fs/cgroup/pids", host.config.cgroupParent(), hog.containerId());
    Path cgroup = Files.isDirectory(v1) ? v1 : Path.of("/sys/fs/cgroup", host.config.cgroupParent(), hog.containerId());
    // The bomb's shell has exited since; its sleepers fill the rest of the 64.
    assertThat(Long.parseLong(Files.readString(cgroup.resolve("pids.current")).strip())).as("processes in the site").isBetween(56L, 64L);
    String events = Files.readString(cgroup.resolve("pids.events")).strip();
    assertThat(Long.parseLong(events.substring(events.indexOf("max ") + 4).strip())).as("forks the kernel refused").isPositive();
    assertThat(get(calm.address()).body()).contains(calm.name().value());
    engine.stop(hog, Duration.ofSeconds(2));
    assertThat(get(calm.address()).statusCode()).isEqualTo(200);
  }

  @Test
  void limitsChangeOnARunningSiteWithoutARestart() throws Exception {
    SiteSpec s = site("grow", address(41));
    engine.prepare(s);
    engine.start(s);
    long pid = engine.state(s.name()).orElseThrow().pid();
    SiteSpec bigger = new SiteSpec(s.name(), s.hostname(), s.address(), new Limits(1.0, 256L << 20, 128));
    assertThat(engine.updateLimits(bigger)).isTrue();
    Path v1 = Path.of("/sys/fs/cgroup/memory", host.config.cgroupParent(), s.containerId(), "memory.limit_in_bytes");
    Path v2 = Path.of("/sys/fs/cgroup", host.config.cgroupParent(), s.containerId(), "memory.max");
    assertThat(Files.readString(Files.exists(v1) ? v1 : v2).strip()).isEqualTo(String.valueOf(256L << 20));
    assertThat(engine.usage(s.name())).isPresent();
    assertThat(engine.state(s.name()).orElseThrow().pid()).as("not restarted").isEqualTo(pid);
    assertThat(get(s.address()).statusCode()).isEqualTo(200);
    engine.stop(s, Duration.ofSeconds(2));
    assertThat(engine.updateLimits(bigger)).as("a stopped site takes its limits at the next start").isFalse();
    assertThat(engine.usage(s.name())).isEmpty();
  }

  @Test
  void aSiteThatFillsItsDiskGetsNoSpaceAndNothingElseIsAffected() throws Exception {
    SiteSpec full = new SiteSpec(SiteName.of(host.siteName("full")), "full.example.test", address(51), Limits.DEFAULT, 32L << 20);
    SiteSpec calm = site("calmer", address(52));
    engine.prepare(full);
    engine.prepare(calm);
    engine.start(full);
    engine.start(calm);

    var fill = inside(full, "/bin/busybox", "dd", "if=/dev/zero", "of=/var/www/data/big", "bs=1M", "count=64");
    assertThat(fill.succeeded()).as("writing 64 MiB on a 32 MiB disk: " + fill).isFalse();
    assertThat(fill.stderr()).contains("No space left on device");
    long[] usedAndTotal = engine.diskSpace(full.name());
    assertThat(usedAndTotal[1]).as("the site's file system").isLessThanOrEqualTo(32L << 20);
    assertThat(Files.size(engine.disk(full.name()).image())).as("the file on the host").isEqualTo(32L << 20);

    var write = inside(calm, "/bin/busybox", "dd", "if=/dev/zero", "of=/var/www/data/ok", "bs=1M", "count=8");
    assertThat(write.succeeded()).as("the neighbour still writes: " + write).isTrue();
    assertThat(get(calm.address()).statusCode()).isEqualTo(200);
    assertThat(get(full.address()).statusCode()).as("the full site still serves").isEqualTo(200);

    // A bigger plan grows the file system at the next start; what was written stays.
    engine.stop(full, Duration.ofSeconds(2));
    SiteSpec bigger = new SiteSpec(full.name(), full.hostname(), full.address(), full.limits(), 96L << 20);
    engine.start(bigger);
    assertThat(Files.size(engine.disk(full.name()).image())).isEqualTo(96L << 20);
    var more = inside(bigger, "/bin/busybox", "dd", "if=/dev/zero", "of=/var/www/data/more", "bs=1M", "count=40");
    assertThat(more.succeeded()).as("40 MiB more after growing to 96 MiB: " + more).isTrue();
    assertThat(get(full.address()).body()).contains(full.name().value());

    engine.remove(full);
    assertThat(TestHost.hostObjectsNamed(full.name().value())).isEmpty();
    assertThat(engine.siteDir(full.name())).doesNotExist();
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void anOomKilledSiteIsToldApartFromOneThatExited() throws Exception {
    // A site whose server grabs 200 MiB at once under a 128 MiB limit: the kernel kills it, the container ends.
    SiteEngine hungry = RealHost.siteEngine(host.config, runner,
        new dev.pier.engine.image.StaticImage(dev.pier.engine.image.StaticImage.DEFAULT_BUSYBOX, dev.pier.engine.image.StaticImage.DEFAULT_TINI,
            java.util.List.of("/bin/busybox", "sh", "-c",
                "/bin/busybox httpd -p 80 -h /var/www/html; /bin/busybox sleep 1; exec /bin/busybox dd if=/dev/zero of=/dev/null bs=200M count=1")));
    SiteSpec s = site("hungry", address(61));
    hungry.prepare(s);
    hungry.start(s); // ready once httpd (daemonized) listens; then the shell's dd is killed
    for (int i = 0; i < 200 && hungry.isRunning(s.name()); i++) {
      Thread.sleep(50);
    }
    assertThat(hungry.isRunning(s.name())).as("the container ended").isFalse();
    assertThat(hungry.oomKills(s.name())).as("the kernel's OOM killer struck in its cgroup").isPositive();
    hungry.teardown(s);

    SiteSpec calm = site("exits", address(62));
    engine.prepare(calm);
    engine.start(calm);
    runner.check(Command.of("runc", "kill", calm.containerId(), "KILL"));
    for (int i = 0; i < 200 && engine.isRunning(calm.name()); i++) {
      Thread.sleep(50);
    }
    assertThat(engine.oomKills(calm.name())).as("killed, but not for memory").isZero();
  }

  @Test
  void onlySitesInTheOutboundSetReachTheOutsideAndOnlyThroughTheUplink() throws Exception {
    try (dev.pier.engine.testing.TestOutside outside = new dev.pier.engine.testing.TestOutside(host.tag)) {
      SiteEngine withUplink = RealHost.siteEngine(host.config.withUplink(outside.uplink), runner);
      withUplink.init();
      SiteSpec open = site("open", address(31));
      SiteSpec closed = site("closed", address(32));
      for (SiteSpec s : java.util.List.of(open, closed)) {
        withUplink.prepare(s);
        withUplink.start(s);
      }
      withUplink.setOutbound(java.util.Set.of(open.address()), java.util.Set.of());
      Command fetch = Command.of("runc", "exec", open.containerId(), "/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-q", "-O", "-", outside.url());
      assertThat(runner.run(fetch).stdout()).contains(dev.pier.engine.testing.TestOutside.GREETING);
      var refused = runner.run(Command.of("runc", "exec", closed.containerId(), "/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-q", "-O", "-", outside.url()));
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.stdout()).doesNotContain(dev.pier.engine.testing.TestOutside.GREETING);
      // Outbound is no way to the host or the neighbour: the gateway and the other site stay out of reach.
      // A server of the host's own on its uplink address: the host reaches it, the site with outbound access does not.
      HttpResponse<String> fromHost = null;
      for (int i = 0; i < 50 && fromHost == null; i++) {
        try {
          fromHost = http.send(HttpRequest.newBuilder(URI.create(outside.hostUrl())).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertThat(fromHost).isNotNull();
      assertThat(fromHost.body()).contains(dev.pier.engine.testing.TestOutside.GREETING);
      var gateway = runner.run(Command.of("runc", "exec", open.containerId(), "/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-q", "-O", "-",
          outside.hostUrl()));
      assertThat(gateway.stdout()).doesNotContain(dev.pier.engine.testing.TestOutside.GREETING);
      var neighbour = runner.run(Command.of("runc", "exec", open.containerId(), "/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-q", "-O", "-",
          "http://" + closed.address() + "/"));
      assertThat(neighbour.exitCode()).isNotZero();

      // Never the private ranges beyond the uplink (a school's networks, a cloud's metadata), unless an admin lists one.
      String school = outside.privateAddress("10.99.");
      String home = outside.privateAddress("192.168.");
      String carrier = outside.privateAddress("100.64.");
      for (String at : java.util.List.of(school, home, carrier)) {
        var blocked = runner.run(Command.of("runc", "exec", open.containerId(), "/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-q",
            "-O", "-", outside.url(at)));
        assertThat(blocked.stdout()).as(at).doesNotContain(dev.pier.engine.testing.TestOutside.GREETING);
      }
      assertThat(runner.run(Command.of("ip", "netns", "exec", outside.netns, "/bin/busybox", "wget", "-q", "-O", "-", outside.url(school)))
          .stdout()).as("the private address serves").contains(dev.pier.engine.testing.TestOutside.GREETING);
      withUplink.setOutbound(java.util.Set.of(open.address()), java.util.Set.of(home + "/32"));
      assertThat(runner.run(Command.of("runc", "exec", open.containerId(), "/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-q",
          "-O", "-", outside.url(home))).stdout()).as("listed by an admin").contains(dev.pier.engine.testing.TestOutside.GREETING);

      withUplink.setOutbound(java.util.Set.of(), java.util.Set.of());
      assertThat(runner.run(fetch).stdout()).as("taken away at once").doesNotContain(dev.pier.engine.testing.TestOutside.GREETING);
      for (SiteSpec s : java.util.List.of(open, closed)) {
        withUplink.remove(s);
      }
    }
  }
}
