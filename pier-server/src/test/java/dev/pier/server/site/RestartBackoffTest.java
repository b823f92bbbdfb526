package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @Test
  void backOffDoublesFromOneSecondUpToFiveMinutes() {
    assertThat(RestartBackoff.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RestartBackoff.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(RestartBackoff.backoff(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(RestartBackoff.backoff(9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(RestartBackoff.backoff(10)).isEqualTo(Duration.ofMinutes(5));
    assertThat(RestartBackoff.backoff(100)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void restartPoliciesAreNamedAsTheApiWritesThem() {
    assertThat(RestartPolicy.of("on-failure")).isEqualTo(RestartPolicy.ON_FAILURE);
    assertThat(RestartPolicy.ALWAYS.word()).isEqualTo("always");
    assertThatThrownBy(() -> RestartPolicy.of("sometimes"))
        .hasMessage("restart policy \"sometimes\" is not one of never, on-failure, always");
  }

  @Test
  void eachPolicyDecidesWhetherAnExitIsRestarted() {
    assertThat(RestartBackoff.decide(RestartPolicy.NEVER, true, 0, null, NOW).restart()).isFalse();
    assertThat(RestartBackoff.decide(RestartPolicy.ON_FAILURE, false, 0, null, NOW).restart()).as("status 0 did not fail").isFalse();
    assertThat(RestartBackoff.decide(RestartPolicy.ON_FAILURE, true, 0, null, NOW).restart()).isTrue();
    assertThat(RestartBackoff.decide(RestartPolicy.ALWAYS, false, 0, null, NOW).restart()).isTrue();
  }

  @Test
  void restartsInARowWaitLongerAndAreGivenUpAfterTen() {
    RestartBackoff.Decision first = RestartBackoff.decide(RestartPolicy.ON_FAILURE, true, 0, null, NOW);
    assertThat(first.due()).isEqualTo(NOW.plusSeconds(1));
    assertThat(first.inARow()).isEqualTo(1);
    Instant justRestarted = NOW.minusSeconds(3);
    RestartBackoff.Decision third = RestartBackoff.decide(RestartPolicy.ON_FAILURE, true, 2, justRestarted, NOW);
    assertThat(third.due()).isEqualTo(NOW.plusSeconds(4));
    assertThat(third.inARow()).isEqualTo(3);
    RestartBackoff.Decision tooMany = RestartBackoff.decide(RestartPolicy.ALWAYS, true, 10, justRestarted, NOW);
    assertThat(tooMany.restart()).isFalse();
    assertThat(tooMany.gaveUp()).isTrue();
  }

  @Test
  void aRunOfTenMinutesStartsTheCountAfresh() {
    RestartBackoff.Decision d = RestartBackoff.decide(RestartPolicy.ON_FAILURE, true, 10, NOW.minus(Duration.ofMinutes(11)), NOW);
    assertThat(d.restart()).isTrue();
    assertThat(d.inARow()).isEqualTo(1);
    assertThat(d.due()).isEqualTo(NOW.plusSeconds(1));
  }
}
