package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.limits.Limits;
import dev.pier.engine.site.SiteName;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every set of {@link EngineDrivers} must do under {@link SiteEngine}, as containerd's snapshotter test
 * suite: one suite, run against the in-memory fake host ({@code FakeHostEngineTest}) and against the real host
 * ({@code RealHostEngineRootTest}, as root), so that the fake behaves as the host does where tests rely on it.
 */
abstract class EngineContract {

  /** The engine under test: initialised, its own bridge and data directory. */
  abstract SiteEngine engine();

  /** A second instance on the same host at the same time: another instance name, bridge and data directory. */
  abstract SiteEngine otherInstance() throws Exception;

  /** A site name unique to this test run, made from {@code base}. */
  abstract String siteName(String base);

  /** Everything on the host whose name carries {@code text} (containers, namespaces, links, mounts, cgroups). */
  abstract List<String> hostObjectsNamed(String text) throws Exception;

  /** The site's server ends by itself, killed by SIGTERM from outside Pier (status 143). */
  abstract void endsByItself(SiteEngine engine, SiteSpec site) throws Exception;

  /** An engine on the same host and configuration whose container for {@code site} ends at once with status 3. */
  abstract SiteEngine exitingAtStart(SiteEngine engine, SiteSpec site);

  /** Puts an interface on the host as someone else's (another Pier's veth, say): {@code name}, with {@code alias}. */
  abstract void addForeignLink(String name, String alias) throws Exception;

  SiteSpec site(SiteEngine engine, String name, int hostIndex) {
    String gw = engine.config().subnet().gatewayAddress();
    return new SiteSpec(SiteName.of(name), name + ".example.test", gw.substring(0, gw.lastIndexOf('.') + 1) + hostIndex, Limits.DEFAULT);
  }

  /** Whether the site's address accepts connections on port 80. */
  abstract boolean accepts(SiteSpec site);

  private boolean serves(SiteEngine engine, SiteSpec s) {
    return engine.isRunning(s.name()) && accepts(s);
  }

  private void awaitStopped(SiteEngine engine, SiteName name) throws InterruptedException {
    for (int i = 0; i < 200 && engine.isRunning(name); i++) {
      Thread.sleep(25);
    }
  }

  @Test
  void aStartedSiteRunsAndServesAndStopLeavesNothingButItsFiles() throws Exception {
    SiteEngine engine = engine();
    SiteSpec s = site(engine, siteName("one"), 5);
    engine.prepare(s);
    assertThat(hostObjectsNamed(s.name().value())).as("prepare mounts nothing for good").isEmpty();
    engine.start(s);

    assertThat(serves(engine, s)).isTrue();
    assertThat(engine.observe(s.name()).phase()).isEqualTo(SiteStatus.Phase.RUNNING);
    assertThat(engine.ownContainers()).extracting(c -> c.id()).contains(engine.containerId(s.name()));
    assertThat(engine.usage(s.name())).isPresent();
    assertThat(hostObjectsNamed(engine.containerId(s.name())))
        .anyMatch(o -> o.startsWith("runc container: "))
        .anyMatch(o -> o.startsWith("netns: "))
        .anyMatch(o -> o.startsWith("link: ") && o.contains("alias " + engine.containerId(s.name())))
        .anyMatch(o -> o.startsWith("cgroup: "));

    engine.stop(s, Duration.ofSeconds(5));
    assertThat(engine.isRunning(s.name())).isFalse();
    assertThat(engine.observe(s.name()).phase()).isEqualTo(SiteStatus.Phase.ABSENT);
    assertThat(hostObjectsNamed(s.name().value())).isEmpty();
    engine.mountDisk(s);
    assertThat(engine.contents().webRoot(s.name()).live().resolve("index.html")).content().contains(s.name().value());
    engine.remove(s);
    assertThat(hostObjectsNamed(s.name().value())).isEmpty();
    assertThat(engine.siteDir(s.name())).doesNotExist();
  }

  @Test
  void aSiteThatEndsAtStartFailsItsStartAndLeavesNothing() throws Exception {
    SiteEngine engine = engine();
    SiteSpec s = site(engine, siteName("quits"), 6);
    SiteEngine exiting = exitingAtStart(engine, s);
    exiting.prepare(s);
    assertThatThrownBy(() -> exiting.start(s)).hasMessageContaining("exited while starting");
    assertThat(hostObjectsNamed(s.name().value())).as("every step undone").isEmpty();
    engine.remove(s);
  }

  @Test
  void aContainerThatEndsByItselfIsSeenWithItsStatusUntilTornDown() throws Exception {
    SiteEngine engine = engine();
    SiteSpec s = site(engine, siteName("ends"), 7);
    engine.prepare(s);
    engine.start(s);
    endsByItself(engine, s);
    awaitStopped(engine, s.name());

    SiteStatus seen = engine.observe(s.name());
    assertThat(seen.phase()).isEqualTo(SiteStatus.Phase.EXITED);
    assertThat(seen.exitStatus()).hasValue(143);
    assertThat(seen.oomKills()).isZero();
    engine.teardown(s);
    engine.teardown(s);
    assertThat(hostObjectsNamed(s.name().value())).isEmpty();
    engine.remove(s);
    engine.remove(s);
  }

  @Test
  void leftoversOfASiteKnownOnlyByNameAreFoundAndRemoved() throws Exception {
    SiteEngine engine = engine();
    SiteSpec s = site(engine, siteName("gone"), 8);
    engine.prepare(s);
    engine.start(s);
    Set<String> ids = Set.copyOf(engine.ownContainers().stream().map(c -> c.id()).toList());
    assertThat(engine.hasLeftovers(s.name(), ids, engine.mountPoints())).isTrue();
    engine.removeLeftovers(s.name());
    engine.removeLeftovers(s.name());
    assertThat(hostObjectsNamed(s.name().value())).isEmpty();
    assertThat(engine.hasLeftovers(s.name(), Set.of(), engine.mountPoints())).isFalse();
  }

  @Test
  void twoInstancesOnOneHostNeverTouchEachOthersSites() throws Exception {
    SiteEngine a = engine();
    SiteEngine b = otherInstance();
    assertThat(b.config().instance()).isNotEqualTo(a.config().instance());
    String name = siteName("same");
    SiteSpec onA = site(a, name, 9);
    SiteSpec onB = site(b, name, 9); // the same name and the same index in each instance's subnet
    for (SiteEngine e : List.of(a, b)) {
      SiteSpec s = e == a ? onA : onB;
      e.prepare(s);
      e.start(s);
    }
    String bId = b.containerId(onB.name());
    assertThat(a.containerId(onA.name())).isNotEqualTo(bId);
    assertThat(a.ownContainers()).extracting(c -> c.id()).doesNotContain(bId);
    assertThat(b.ownContainers()).extracting(c -> c.id()).containsExactly(bId);
    List<String> bObjects = hostObjectsNamed(bId);

    a.stop(onA, Duration.ofSeconds(5));
    assertThat(serves(b, onB)).as("b still serves after a's stop").isTrue();
    a.start(onA);
    a.teardown(onA);
    a.remove(onA);
    a.removeLeftovers(onA.name());
    assertThat(hostObjectsNamed(bId)).as("b's container, namespace, veth and cgroup").containsExactlyInAnyOrderElementsOf(bObjects);
    assertThat(serves(b, onB)).as("b still serves after a's removal").isTrue();
    assertThat(b.usage(onB.name())).isPresent();

    b.remove(onB);
    assertThat(hostObjectsNamed(name)).isEmpty();
  }

  @Test
  void anInterfaceOfTheSameNameThatIsNotTheSitesIsLeftAlone() throws Exception {
    SiteEngine engine = engine();
    SiteSpec s = site(engine, siteName("clash"), 10);
    String foreign = "other-" + s.name();
    addForeignLink(engine.config().vethPrefix() + 10, foreign);
    engine.prepare(s);
    engine.teardown(s);
    assertThatThrownBy(() -> engine.start(s)).as("its veth's name is taken").isInstanceOf(RuntimeException.class);
    engine.stop(s, Duration.ofSeconds(1));
    engine.removeLeftovers(s.name());
    assertThat(hostObjectsNamed(foreign)).as("the other's interface").hasSize(1);
    assertThat(hostObjectsNamed(engine.containerId(s.name()))).isEmpty();
  }
}
