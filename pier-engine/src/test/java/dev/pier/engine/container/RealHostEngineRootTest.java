package dev.pier.engine.container;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.host.RealHost;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.network.PortProbe;
import dev.pier.engine.testing.TestHost;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** The engine's contract on the real host: runc, iproute2, nftables, mounts, loop disks and cgroups, as root. */
@Tag("root")
class RealHostEngineRootTest extends EngineContract {

  private final ProcessRunner runner = new ProcessRunner();
  private final List<TestHost> hosts = new ArrayList<>();
  private TestHost host;
  private SiteEngine engine;

  @BeforeEach
  void setUp() throws IOException {
    host = new TestHost();
    hosts.add(host);
    engine = RealHost.siteEngine(host.config, runner);
    engine.init();
  }

  @AfterEach
  void tearDown() throws IOException {
    for (TestHost h : hosts) {
      h.close();
    }
  }

  @Override
  SiteEngine engine() {
    return engine;
  }

  @Override
  SiteEngine otherInstance() throws IOException {
    TestHost other = TestHost.ownInstance();
    hosts.add(other);
    SiteEngine e = RealHost.siteEngine(other.config, runner);
    e.init();
    return e;
  }

  @Override
  String siteName(String base) {
    return host.siteName(base);
  }

  @Override
  List<String> hostObjectsNamed(String text) throws IOException {
    return TestHost.hostObjectsNamed(text);
  }

  @Override
  void endsByItself(SiteEngine engine, SiteSpec site) throws IOException {
    runner.check(Command.of("kill", "-TERM", String.valueOf(TestHost.serverPid(engine.containerId(site.name())))));
  }

  @Override
  SiteEngine exitingAtStart(SiteEngine engine, SiteSpec site) {
    return RealHost.siteEngine(engine.config(), runner,
        new StaticImage(StaticImage.DEFAULT_BUSYBOX, StaticImage.DEFAULT_TINI, List.of("/bin/busybox", "sh", "-c", "exit 3")));
  }

  @Override
  void addForeignLink(String name, String alias) {
    runner.check(Command.of("ip", "link", "add", "name", name, "type", "bridge"));
    runner.check(Command.of("ip", "link", "set", "dev", name, "alias", alias));
  }

  @Override
  boolean accepts(SiteSpec site) {
    return PortProbe.TCP.accepts(site.address(), 80, 1000);
  }
}
