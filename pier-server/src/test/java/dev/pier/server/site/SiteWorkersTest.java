package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.site.SiteName;
import dev.pier.server.site.SiteWorkers.Cause;
import dev.pier.server.site.SiteWorkers.Pass;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-site workers: one pass at a time per site, never waiting on another site, wakes folded together. */
class SiteWorkersTest {

  @Test
  void aSlowSiteNeverDelaysAnother() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    SiteWorkers workers = new SiteWorkers((name, causes) -> {
      if (name.value().equals("slow")) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Pass.SETTLED;
    });
    CompletableFuture<Void> slow = workers.wake(SiteName.of("slow"), Cause.OWNER);
    workers.wake(SiteName.of("fast"), Cause.SUPERVISOR).get(5, TimeUnit.SECONDS);
    assertThat(slow).isNotDone();
    release.countDown();
    slow.get(5, TimeUnit.SECONDS);
    workers.close();
  }

  @Test
  void wakesDuringAPassAreFoldedIntoTheNextOneAndEachWaitsForAPassThatBeganAfterIt() throws Exception {
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Set<Cause>> passes = new CopyOnWriteArrayList<>();
    SiteWorkers workers = new SiteWorkers((name, causes) -> {
      passes.add(EnumSet.copyOf(causes));
      if (passes.size() == 1) {
        inFirst.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Pass.SETTLED;
    });
    SiteName blog = SiteName.of("blog");
    CompletableFuture<Void> first = workers.wake(blog, Cause.STARTUP);
    inFirst.await(5, TimeUnit.SECONDS);
    CompletableFuture<Void> a = workers.wake(blog, Cause.OWNER);
    CompletableFuture<Void> b = workers.wake(blog, Cause.IDLE);
    assertThat(a).as("it waits for a pass that saw its wish").isNotDone();
    release.countDown();
    CompletableFuture.allOf(first, a, b).get(5, TimeUnit.SECONDS);
    assertThat(passes).containsExactly(EnumSet.of(Cause.STARTUP), EnumSet.of(Cause.OWNER, Cause.IDLE));
    workers.close();
  }

  @Test
  void aFailedPassFailsItsWaitersAndTheNextPassRunsAgain() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    SiteWorkers workers = new SiteWorkers((name, causes) -> {
      seen.add(name.value());
      if (seen.size() == 1) {
        throw new IllegalStateException("runc said no");
      }
      return Pass.SETTLED;
    });
    CompletableFuture<Void> failed = workers.wake(SiteName.of("blog"), Cause.OWNER);
    assertThat(failed).failsWithin(5, TimeUnit.SECONDS).withThrowableThat().withMessageContaining("runc said no");
    workers.wake(SiteName.of("blog"), Cause.OWNER).get(5, TimeUnit.SECONDS);
    assertThat(seen).hasSize(2);
    workers.close();
  }

  @Test
  void aPassThatAsksToBeWokenAgainIs() throws Exception {
    CountDownLatch again = new CountDownLatch(2);
    SiteWorkers workers = new SiteWorkers((name, causes) -> {
      again.countDown();
      return again.getCount() == 1 ? Pass.at(Instant.now().plusMillis(100)) : Pass.SETTLED;
    });
    workers.wake(SiteName.of("blog"), Cause.SUPERVISOR);
    assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
    workers.close();
  }
}
