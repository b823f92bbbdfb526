package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SleepRuleTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @Test
  void aSiteWithoutASleepTimeNeverSleeps() {
    assertThat(SleepRule.due(null, NOW.minus(Duration.ofDays(3)), Optional.empty(), NOW)).isFalse();
  }

  @Test
  void idleTimeCountsFromTheLastRequest() {
    Instant started = NOW.minus(Duration.ofHours(1));
    assertThat(SleepRule.due(300, started, Optional.of(Duration.ofSeconds(299)), NOW)).isFalse();
    assertThat(SleepRule.due(300, started, Optional.of(Duration.ofSeconds(300)), NOW)).isTrue();
  }

  @Test
  void idleTimeCountsFromTheStartAtTheEarliest() {
    Instant started = NOW.minusSeconds(10);
    assertThat(SleepRule.due(60, started, Optional.empty(), NOW)).as("no request since Pier started").isFalse();
    assertThat(SleepRule.due(60, started, Optional.of(Duration.ofHours(2)), NOW)).as("a request before this start").isFalse();
    assertThat(SleepRule.due(5, started, Optional.of(Duration.ofHours(2)), NOW)).isTrue();
  }
}
