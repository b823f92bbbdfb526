package dev.pier.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.testing.FakeHost;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's contract on the in-memory host, and what only the fake can do: fail or crash at a chosen step. */
class FakeHostEngineTest extends EngineContract {

  private final FakeHost host = new FakeHost();
  private SiteEngine engine;

  @AfterEach
  void tearDown() {
    host.close();
  }

  @Override
  SiteEngine engine() {
    if (engine == null) {
      engine = host.engine();
    }
    return engine;
  }

  @Override
  SiteEngine otherInstance() {
    SiteEngine other = host.engine(host.config("pier2"));
    other.init();
    return other;
  }

  @Override
  String siteName(String base) {
    return base;
  }

  @Override
  List<String> hostObjectsNamed(String text) {
    return host.hostObjectsNamed(text);
  }

  @Override
  void endsByItself(SiteEngine engine, SiteSpec site) {
    host.exit(engine.containerId(site.name()), 143);
  }

  @Override
  SiteEngine exitingAtStart(SiteEngine engine, SiteSpec site) {
    host.exitOnStart(engine.containerId(site.name()), 3);
    return engine;
  }

  @Override
  void addForeignLink(String name, String alias) {
    host.addLink(name, alias);
  }

  @Override
  boolean accepts(SiteSpec site) {
    return host.accepts(site.address(), 80, 100);
  }

  /** Every step of start that can fail: each failure undoes the steps before it, leaving nothing on the host. */
  @Test
  void aFailureAtAnyStepOfStartLeavesNothingOnTheHost() {
    SiteEngine e = engine();
    SiteSpec s = site(e, "steps", 3);
    e.prepare(s);
    for (String op : List.of(FakeHost.OP_DISK, FakeHost.OP_ATTACH, FakeHost.OP_ID_MAP, FakeHost.OP_MOUNT, FakeHost.OP_RUN, FakeHost.OP_PROBE)) {
      host.failOn(op);
      assertThatThrownBy(() -> e.start(s)).as(op).hasMessageContaining("injected");
      assertThat(host.hostObjectsNamed("steps")).as("after a failure of " + op).isEmpty();
    }
    e.start(s);
    assertThat(e.isRunning(s.name())).isTrue();
  }

  /** A backup copies a running site's data with its processes frozen, and thaws them after, even when the copy fails. */
  @Test
  void aRunningSiteIsFrozenForTheWorkAndThawedAfterwardsWhateverHappens() {
    SiteEngine e = engine();
    SiteSpec s = site(e, "frozen", 5);
    e.prepare(s);
    assertThat(e.contents().frozen(s.name(), () -> host.containers().get(e.containerId(s.name())))).as("not running: nothing to freeze").isNull();
    e.start(s);
    assertThat(e.contents().frozen(s.name(), () -> host.containers().get(e.containerId(s.name())))).isEqualTo("paused");
    assertThat(host.containers().get(e.containerId(s.name()))).isEqualTo("running");
    assertThatThrownBy(() -> e.contents().frozen(s.name(), () -> {
      throw new IllegalStateException("the copy failed");
    })).hasMessage("the copy failed");
    assertThat(e.isRunning(s.name())).isTrue();
  }

  @Test
  void aCrashMidStartLeavesWhatWasDoneAndTheNextStartClearsIt() {
    SiteEngine e = engine();
    SiteSpec s = site(e, "crash", 4);
    e.prepare(s);
    host.crashOn(FakeHost.OP_RUN);
    assertThatThrownBy(() -> e.start(s)).isInstanceOf(FakeHost.SimulatedCrash.class);
    assertThat(host.hostObjectsNamed("crash")).as("no undo ran").anyMatch(o -> o.startsWith("netns: ")).anyMatch(o -> o.startsWith("mount: "));
    host.recover();
    SiteEngine restarted = host.engine(e.config());
    restarted.start(s);
    assertThat(restarted.isRunning(s.name())).isTrue();
    restarted.stop(s, Duration.ofSeconds(1));
    assertThat(host.hostObjectsNamed("crash")).isEmpty();
  }

  @Test
  void theNthCallFailsWhateverItIs() {
    SiteEngine e = engine();
    SiteSpec s = site(e, "nth", 5);
    e.prepare(s);
    host.clearCalls();
    e.start(s);
    int calls = host.calls().size();
    e.stop(s, Duration.ofSeconds(1));
    for (int n = 1; n <= calls; n++) {
      host.failAtCall(n);
      try {
        e.start(s);
      } catch (FakeHost.InjectedFailure expected) {
        // start failed at that call and undid what it had done
      }
      e.stop(s, Duration.ofSeconds(1));
      assertThat(host.hostObjectsNamed("nth")).as("failure at call " + n).isEmpty();
    }
  }

  @Test
  void aSiteKilledForLackOfMemoryIsToldApart() {
    SiteEngine e = engine();
    SiteSpec s = site(e, "hog", 6);
    e.prepare(s);
    e.start(s);
    host.oomKill(e.containerId(s.name()));
    SiteStatus seen = e.observe(s.name());
    assertThat(seen.phase()).isEqualTo(SiteStatus.Phase.EXITED);
    assertThat(seen.oomKills()).isEqualTo(1);
    assertThat(seen.exitStatus()).hasValue(137);
  }

  @Test
  void stopSendsKillToASiteThatIgnoresTerm() {
    SiteEngine e = engine();
    SiteSpec s = site(e, "stubborn", 7);
    e.prepare(s);
    e.start(s);
    host.ignoreTerm(e.containerId(s.name()));
    host.clearCalls();
    e.stop(s, Duration.ofMillis(10));
    assertThat(host.callLog()).contains("runtime.kill pier-stubborn TERM", "runtime.kill pier-stubborn KILL");
    assertThat(host.hostObjectsNamed("stubborn")).isEmpty();
  }
}
