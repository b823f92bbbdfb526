package dev.pier.server.site;

import static dev.pier.server.site.Lifecycle.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.edge.Route;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.testing.FakeHost;
import dev.pier.server.common.PierException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The site lifecycle on the in-memory host: each transition, a failure at each of its host steps (undone, the site
 * shown as it is), and a crash of Pier at each step (the next Pier brings the site to what was asked).
 */
class SiteLifecycleTest {

  private FakeHost host;
  private Lifecycle pier;

  @BeforeEach
  void setUp() {
    host = new FakeHost();
    pier = new Lifecycle(host, Lifecycle.database(UUID.randomUUID().toString(), host));
  }

  @AfterEach
  void tearDown() {
    pier.close();
    host.close();
  }

  @Test
  void createStartStopDelete() {
    Site created = pier.sites.create(ALICE, "blog");
    assertThat(created.state()).isEqualTo(SiteState.STOPPED);
    assertThat(pier.events).contains(new SiteCreated(created.name(), "blog.pier.test"));
    assertThat(host.hostObjectsNamed("blog")).isEmpty();

    assertThat(pier.sites.start(ALICE, "blog").state()).isEqualTo(SiteState.RUNNING);
    assertThat(pier.running("blog")).isTrue();
    assertThat(pier.sites.start(ALICE, "blog").state()).as("starting a running site does nothing").isEqualTo(SiteState.RUNNING);

    Site stopped = pier.sites.stop(ALICE, "blog");
    assertThat(stopped.state()).isEqualTo(SiteState.STOPPED);
    assertThat(stopped.wish()).isEqualTo(SiteWish.STOPPED);
    assertThat(host.hostObjectsNamed("blog")).isEmpty();

    pier.sites.start(ALICE, "blog");
    pier.sites.delete(ALICE, "blog");
    assertThat(pier.site("blog")).isNull();
    assertThat(pier.events).contains(new SiteDeleted(created.name()));
    assertThat(host.hostObjectsNamed("blog")).isEmpty();
  }

  @Test
  void aStartThatFailsAtAnyStepIsUndoneAndShownStopped() {
    pier.sites.create(ALICE, "blog");
    for (String op : new String[] {FakeHost.OP_DISK, FakeHost.OP_MOUNT, FakeHost.OP_ATTACH, FakeHost.OP_RUN, FakeHost.OP_PROBE}) {
      host.failOn(op);
      // The host's failure (a command, its output, host paths) is logged; the owner reads an id to quote.
      assertThatThrownBy(() -> pier.sites.start(ALICE, "blog")).as(op).isInstanceOf(PierException.class)
          .hasMessageContaining("could not start site \"blog\": the host could not do it (error ")
          .message().doesNotContain("injected");
      Site s = pier.site("blog");
      assertThat(s.state()).as(op).isEqualTo(SiteState.STOPPED);
      assertThat(s.wish()).as(op).isEqualTo(SiteWish.STOPPED);
      assertThat(s.lastError()).as(op).startsWith("the host could not do it (error ").doesNotContain("injected");
      assertThat(host.hostObjectsNamed("blog")).as("undone after " + op).isEmpty();
    }
    assertThat(pier.sites.start(ALICE, "blog").state()).isEqualTo(SiteState.RUNNING);
  }

  @Test
  void aStopThatFailsLeavesTheSiteShownAsItIs() {
    pier.sites.create(ALICE, "blog");
    pier.sites.start(ALICE, "blog");
    host.failOn(FakeHost.OP_KILL);
    assertThatThrownBy(() -> pier.sites.stop(ALICE, "blog")).hasMessageContaining("could not stop site \"blog\"");
    assertThat(pier.site("blog").state()).isEqualTo(pier.running("blog") ? SiteState.RUNNING : SiteState.STOPPED);
    assertThat(pier.sites.stop(ALICE, "blog").state()).as("asked again, it stops").isEqualTo(SiteState.STOPPED);
    assertThat(host.hostObjectsNamed("blog")).isEmpty();
  }

  @Test
  void aContainerThatExitsIsStartedAgainOrShownStoppedByItsPolicy() throws Exception {
    pier.sites.create(ALICE, "blog");
    pier.sites.start(ALICE, "blog");
    host.exit(pier.containerId("blog"), 3);
    pier.supervise("blog");
    Site waiting = pier.site("blog");
    assertThat(waiting.state()).as("waiting out its back-off").isEqualTo(SiteState.STARTING);
    assertThat(waiting.wish()).isEqualTo(SiteWish.RUNNING);
    assertThat(waiting.lastError()).contains("its container exited with status 3");
    assertThat(waiting.lastExit()).startsWith("exited with status 3 at ");
    for (int i = 0; i < 100 && pier.site("blog").restarts() < 1; i++) {
      Thread.sleep(50); // the first restart comes after 1 s
    }
    assertThat(pier.site("blog").restarts()).isEqualTo(1);
    assertThat(pier.site("blog").state()).as("counted once it runs again").isEqualTo(SiteState.RUNNING);
    assertThat(pier.running("blog")).isTrue();

    pier.sites.change(ALICE, "blog", new SitePatch(null, RestartPolicy.NEVER, null, null, null, false, null));
    host.exit(pier.containerId("blog"), 0);
    pier.supervise("blog");
    Site stopped = pier.site("blog");
    assertThat(stopped.state()).isEqualTo(SiteState.STOPPED);
    assertThat(stopped.wish()).as("nobody wants it running any more").isEqualTo(SiteWish.STOPPED);
    assertThat(host.hostObjectsNamed("blog")).isEmpty();
  }

  @Test
  void aSiteWaitingToRestartCanBeStopped() throws Exception {
    pier.sites.create(ALICE, "blog");
    pier.sites.start(ALICE, "blog");
    host.oomKill(pier.containerId("blog"));
    pier.supervise("blog");
    assertThat(pier.site("blog").lastError()).contains("killed for lack of memory (its plan allows 128 MiB)");
    assertThat(pier.sites.stop(ALICE, "blog").state()).isEqualTo(SiteState.STOPPED);
    Thread.sleep(1500); // past the back-off: no restart comes
    assertThat(pier.site("blog").state()).isEqualTo(SiteState.STOPPED);
    assertThat(pier.running("blog")).isFalse();
  }

  @Test
  void anIdleSiteSleepsAndWakesForTheEdge() {
    pier.sites.create(ALICE, "blog");
    pier.sites.start(ALICE, "blog");
    pier.sleep("blog");
    assertThat(pier.site("blog").state()).isEqualTo(SiteState.SLEEPING);
    assertThat(host.hostObjectsNamed("blog")).as("a sleeping site has nothing running").isEmpty();
    pier.sites.wake("blog").join();
    assertThat(pier.site("blog").state()).isEqualTo(SiteState.RUNNING);
    assertThat(pier.running("blog")).isTrue();
    pier.sites.stop(ALICE, "blog");
    assertThat(pier.sites.wake("blog")).as("a stopped site is not woken").failsWithin(Duration.ofSeconds(5));
  }

  @Test
  void visitorsWhoComeTogetherToASleepingSiteAreAllServedByOneWake() {
    pier.sites.create(ALICE, "blog");
    pier.sites.start(ALICE, "blog");
    for (int round = 0; round < 30; round++) {
      pier.sleep("blog");
      assertThat(pier.site("blog").state()).isEqualTo(SiteState.SLEEPING);
      // As the edge does for each held request: one wake each, all at once. The ones that read the site just
      // before another's wake turned its wish must wait for that start, not be told it cannot be woken.
      long runsBefore = runs();
      List<CompletableFuture<Void>> wakes = IntStream.range(0, 8).mapToObj(i -> pier.sites.wake("blog")).toList();
      for (CompletableFuture<Void> w : wakes) {
        assertThat(w).as("round " + round).succeedsWithin(Duration.ofSeconds(10));
      }
      assertThat(pier.site("blog").state()).isEqualTo(SiteState.RUNNING);
      assertThat(runs() - runsBefore).as("one start for all of them, round " + round).isEqualTo(1);
    }
  }

  @Test
  void aVisitorWhoComesWhileTheSiteFallsAsleepIsHeldAndWakesItAgain() throws Exception {
    pier.sites.create(ALICE, "blog");
    pier.sites.start(ALICE, "blog");
    host.ignoreTerm(pier.containerId("blog")); // its stop takes the whole grace time
    CompletableFuture<Void> dozing = pier.fallAsleep("blog");
    for (int i = 0; i < 100 && pier.site("blog").state() != SiteState.STOPPING; i++) {
      Thread.sleep(10);
    }
    assertThat(pier.site("blog").state()).isEqualTo(SiteState.STOPPING);
    assertThat(SiteRoutes.route(pier.site("blog"))).as("the edge holds the visitor and wakes it, no stopped page")
        .contains(new Route.Sleeping("blog"));
    CompletableFuture<Void> visitor = pier.sites.wake("blog");
    for (int i = 0; i < 100 && pier.site("blog").wish() != SiteWish.RUNNING; i++) {
      Thread.sleep(10);
    }
    Site waking = pier.site("blog");
    assertThat(waking.state()).as("still stopping: the visitor came during the stop").isEqualTo(SiteState.STOPPING);
    assertThat(SiteRoutes.route(waking)).as("the next visitors are held too").contains(new Route.Sleeping("blog"));
    assertThat(dozing).succeedsWithin(Duration.ofSeconds(10));
    assertThat(visitor).succeedsWithin(Duration.ofSeconds(10));
    assertThat(pier.site("blog").state()).isEqualTo(SiteState.RUNNING);
    assertThat(pier.running("blog")).isTrue();
  }

  private long runs() {
    return host.calls().stream().filter(c -> c.op().equals(FakeHost.OP_RUN)).count();
  }

  @Test
  void aWishWrittenDuringAPassIsNeverUndoneByIt() {
    pier.sites.create(ALICE, "blog");
    Site seenByAPass = pier.site("blog");
    pier.sites.start(ALICE, "blog"); // a newer wish, even one equal to what the pass saw
    assertThat(pier.repo.giveUpWish(seenByAPass, SiteWish.STOPPED)).as("the pass's give-up loses").isFalse();
    assertThat(pier.site("blog").wish()).isEqualTo(SiteWish.RUNNING);
    Site now = pier.site("blog");
    assertThat(pier.repo.giveUpWish(now, SiteWish.STOPPED)).isTrue();
  }

  @Test
  void aFailedWakeLeavesTheSiteAsleepWithTheReason() {
    pier.sites.create(ALICE, "blog");
    pier.sites.start(ALICE, "blog");
    pier.sleep("blog");
    host.failOn(FakeHost.OP_RUN);
    assertThat(pier.sites.wake("blog")).failsWithin(Duration.ofSeconds(5));
    Site s = pier.site("blog");
    assertThat(s.state()).isEqualTo(SiteState.SLEEPING);
    assertThat(s.wish()).isEqualTo(SiteWish.SLEEPING);
    assertThat(s.lastError()).startsWith("could not wake it: ");
    assertThat(host.hostObjectsNamed("blog")).isEmpty();
    pier.sites.wake("blog").join();
    assertThat(pier.site("blog").state()).as("the next request wakes it").isEqualTo(SiteState.RUNNING);
  }

  @Test
  void startingASiteWhoseCreationWasInterruptedFinishesItInsteadOfDeletingIt() {
    pier.sites.create(ALICE, "blog");
    pier.repo.setState(pier.site("blog").name(), SiteState.CREATING, null);
    host.failOn(FakeHost.OP_DISK);
    assertThatThrownBy(() -> pier.sites.start(ALICE, "blog"));
    assertThat(pier.site("blog")).as("still there").isNotNull();
    assertThat(pier.sites.start(ALICE, "blog").state()).isEqualTo(SiteState.RUNNING);
  }

  /** Pier dies at each driver call of {@code operation} in turn; the next Pier must bring the site to what was asked. */
  private void crashAtEachStep(Consumer<Lifecycle> before, Consumer<Lifecycle> operation, Consumer<Lifecycle> expected) {
    for (int n = 1; ; n++) {
      try (FakeHost h = new FakeHost()) {
        DataSource db = Lifecycle.database(UUID.randomUUID().toString(), h);
        Lifecycle first = new Lifecycle(h, db);
        before.accept(first);
        h.crashAtCall(n);
        try {
          operation.accept(first);
        } catch (RuntimeException died) {
          // the crash, or what it left the caller with
        }
        first.close();
        if (!h.crashed()) {
          return; // the operation needed fewer than n calls: every step has been crashed at
        }
        h.recover();
        try (Lifecycle next = new Lifecycle(h, db)) {
          next.reconciler.reconcile();
          expected.accept(next);
        } catch (AssertionError e) {
          throw new AssertionError("after a crash at driver call " + n + " (" + h.callLog() + "): " + e.getMessage(), e);
        }
      }
    }
  }

  @Test
  void aCrashAtAnyStepOfAStartEndsRunning() {
    crashAtEachStep(p -> p.sites.create(ALICE, "blog"), p -> p.sites.start(ALICE, "blog"), p -> {
      assertThat(p.site("blog").state()).isEqualTo(SiteState.RUNNING);
      assertThat(p.running("blog")).isTrue();
    });
  }

  @Test
  void aCrashAtAnyStepOfAStopEndsStoppedWithNothingLeft() {
    crashAtEachStep(p -> {
      p.sites.create(ALICE, "blog");
      p.sites.start(ALICE, "blog");
    }, p -> p.sites.stop(ALICE, "blog"), p -> {
      assertThat(p.site("blog").state()).isEqualTo(SiteState.STOPPED);
      assertThat(p.host.hostObjectsNamed("blog")).isEmpty();
    });
  }

  @Test
  void aCrashAtAnyStepOfADeleteEndsWithTheSiteGone() {
    crashAtEachStep(p -> {
      p.sites.create(ALICE, "blog");
      p.sites.start(ALICE, "blog");
    }, p -> p.sites.delete(ALICE, "blog"), p -> {
      assertThat(p.site("blog")).isNull();
      assertThat(p.host.hostObjectsNamed("blog")).isEmpty();
      assertThat(p.engine.siteDir(SiteName.of("blog"))).doesNotExist();
    });
  }

  @Test
  void aCrashAtAnyStepOfACreateEndsWithAStoppedSite() {
    crashAtEachStep(p -> { }, p -> p.sites.create(ALICE, "blog"), p -> {
      Site s = p.site("blog");
      assertThat(s).isNotNull();
      assertThat(s.state()).isEqualTo(SiteState.STOPPED);
      assertThat(p.sites.start(ALICE, "blog").state()).as("and it starts").isEqualTo(SiteState.RUNNING);
    });
  }
}
