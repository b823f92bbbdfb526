package dev.pier.server.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private Instant now = Instant.parse("2026-12-07T10:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void repeatedFailuresMakeTheUserAndTheAddressWaitLongerEachTime() {
    LoginThrottle t = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.FREE - 1; i++) {
      t.failed("alice", "10.0.0.1");
      assertThat(t.wait("alice", "10.0.0.1")).isZero();
    }
    t.failed("alice", "10.0.0.1");
    assertThat(t.wait("alice", "10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
    assertThat(t.wait("ALICE", "10.0.0.9")).as("the same user from elsewhere").isEqualTo(Duration.ofSeconds(2));
    assertThat(t.wait("bob", "10.0.0.1")).as("another user from the same address").isEqualTo(Duration.ofSeconds(2));
    assertThat(t.wait("bob", "10.0.0.9")).isZero();
    now = now.plusSeconds(2);
    assertThat(t.wait("alice", "10.0.0.1")).isZero();
    t.failed("alice", "10.0.0.1");
    assertThat(t.wait("alice", "10.0.0.1")).isEqualTo(Duration.ofSeconds(4));
    for (int i = 0; i < 30; i++) {
      t.failed("alice", "10.0.0.1");
    }
    assertThat(t.wait("alice", "10.0.0.1")).isEqualTo(LoginThrottle.MAX_WAIT);
    t.succeeded("alice", "10.0.0.1");
    assertThat(t.wait("alice", "10.0.0.1")).isZero();
  }

  @Test
  void oldFailuresAreForgotten() {
    LoginThrottle t = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.FREE; i++) {
      t.failed("carol", "10.0.0.2");
    }
    now = now.plus(LoginThrottle.FORGET).plusSeconds(1);
    t.failed("carol", "10.0.0.2");
    assertThat(t.wait("carol", "10.0.0.2")).isZero();
  }
}
