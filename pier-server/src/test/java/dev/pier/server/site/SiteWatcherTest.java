package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SiteWatcherTest {

  @Test
  void backOffDoublesFromOneSecondUpToFiveMinutes() {
    assertThat(SiteWatcher.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(SiteWatcher.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(SiteWatcher.backoff(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(SiteWatcher.backoff(9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(SiteWatcher.backoff(10)).isEqualTo(Duration.ofMinutes(5));
    assertThat(SiteWatcher.backoff(100)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void restartPoliciesAreNamedAsTheApiWritesThem() {
    assertThat(RestartPolicy.of("on-failure")).isEqualTo(RestartPolicy.ON_FAILURE);
    assertThat(RestartPolicy.ALWAYS.word()).isEqualTo("always");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RestartPolicy.of("sometimes"))
        .hasMessage("restart policy \"sometimes\" is not one of never, on-failure, always");
  }
}
