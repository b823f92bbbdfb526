package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BodyGuardTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void theLimitAppliesOnceSetAndCountsEveryByte() {
    BodyGuard guard = BodyGuard.standard();
    guard.received(5000);
    assertThat(guard.overLimit()).isFalse();
    guard.limit(6000);
    guard.received(1000);
    assertThat(guard.overLimit()).isFalse();
    guard.received(1);
    assertThat(guard.overLimit()).isTrue();
    assertThat(guard.bytes()).isEqualTo(6001);
  }

  @Test
  void aBodyIsTooSlowOnlyAfterTheGraceTimeSpentWaitingForIt() {
    BodyGuard guard = new BodyGuard(1000, Duration.ofSeconds(10));
    guard.waitFrom(0);
    guard.waitEnded(9 * SECOND);
    guard.received(10);
    assertThat(guard.tooSlow()).as("within the grace time").isFalse();
    guard.waitFrom(100 * SECOND); // time the edge did not wait (the upstream was slow to take it) does not count
    guard.waitEnded(102 * SECOND);
    assertThat(guard.tooSlow()).as("10 bytes in 11 s").isTrue();
  }

  @Test
  void askingAgainWhileStillWaitingDoesNotRestartTheWait() {
    BodyGuard guard = new BodyGuard(1000, Duration.ofSeconds(10));
    guard.waitFrom(0);
    for (long s = 1; s <= 19; s++) {
      guard.waitFrom(s * SECOND); // a read that brought no whole part (a TLS record in pieces), then another
    }
    guard.waitEnded(19 * SECOND);
    guard.received(1);
    assertThat(guard.tooSlow()).as("1 byte in 19 s of waiting").isTrue();
  }

  @Test
  void aBodyAtTheMinimumRateIsNotTooSlow() {
    BodyGuard guard = new BodyGuard(1000, Duration.ofSeconds(10));
    guard.waitFrom(0);
    guard.waitEnded(20 * SECOND);
    guard.received(20_000);
    assertThat(guard.tooSlow()).isFalse();
    guard.waitEnded(30 * SECOND); // not waiting: changes nothing
    assertThat(guard.tooSlow()).isFalse();
  }

  @Test
  void theWaitTimerFiresOnlyWhenNothingCame() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      BodyGuard guard = BodyGuard.standard();
      AtomicInteger first = new AtomicInteger();
      AtomicInteger again = new AtomicInteger();
      AtomicInteger last = new AtomicInteger();
      guard.startWaiting(executor, TimeUnit.HOURS.toNanos(1), first::incrementAndGet);
      guard.startWaiting(executor, 1, again::incrementAndGet); // the wait goes on: its timer stays the first one
      executor.schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get();
      guard.stopWaiting(); // a part came
      guard.startWaiting(executor, 1, last::incrementAndGet);
      executor.schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get();
      assertThat(first).hasValue(0);
      assertThat(again).hasValue(0);
      assertThat(last).hasValue(1);
    } finally {
      executor.shutdownNow();
    }
  }
}
