package dev.pier.server.security;

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
  void repeatedFailuresMakeTheNameWaitAtThatAddressLongerEachTime() {
    LoginThrottle t = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.FREE - 1; i++) {
      t.failed("alice", "10.0.0.1");
      assertThat(t.wait("alice", "10.0.0.1")).isZero();
    }
    t.failed("alice", "10.0.0.1");
    assertThat(t.wait("alice", "10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
    assertThat(t.wait("ALICE", "10.0.0.1")).as("the same name spelled otherwise").isEqualTo(Duration.ofSeconds(2));
    assertThat(t.wait("alice", "10.0.0.9")).as("the real alice, from where she logs in: never locked out by others").isZero();
    assertThat(t.wait("bob", "10.0.0.1")).as("another user at the same address (a school's shared one)").isZero();
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
  void guessingAcrossManyNamesFromOneAddressMakesThatAddressWait() {
    LoginThrottle t = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.FREE_PER_ADDRESS; i++) {
      assertThat(t.attempt("user" + i, "10.0.0.3")).isZero(); // each a failure: never said otherwise
    }
    assertThat(t.attempt("someone-else", "10.0.0.3")).isEqualTo(Duration.ofSeconds(2));
    assertThat(t.attempt("someone-else", "10.0.0.4")).isZero();
  }

  @Test
  void attemptsCountBeforeTheirAnswerSoGuessesSentAtOnceDoNotAllPass() {
    LoginThrottle t = new LoginThrottle(clock);
    int checked = 0;
    for (int i = 0; i < 20; i++) { // twenty guesses in flight at once: none answered yet
      if (t.attempt("alice", "10.0.0.5").isZero()) {
        checked++;
      }
    }
    assertThat(checked).isEqualTo(LoginThrottle.FREE);
    LoginThrottle ok = new LoginThrottle(clock);
    for (int i = 0; i < 20; i++) {
      assertThat(ok.attempt("bob", "10.0.0.6")).as("a user who logs in each time is never held").isZero();
      ok.succeeded("bob", "10.0.0.6");
    }
    for (int i = 0; i < 20; i++) {
      assertThat(ok.attempt("carol", "10.0.0.6")).as("nor one whose directory was down").isZero();
      ok.undone("carol", "10.0.0.6");
    }
  }

  @Test
  void namesThatCannotBeUserNamesAreNotEvenTried() {
    assertThat(LoginThrottle.plausibleName("alice")).isTrue();
    assertThat(LoginThrottle.plausibleName("j.doe@school.example")).isTrue();
    for (String bad : new String[] {"", " alice", "alice ", "a".repeat(65), "al\nice", "*", "(uid=*)"}) {
      assertThat(LoginThrottle.plausibleName(bad)).as(bad).isFalse();
    }
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
