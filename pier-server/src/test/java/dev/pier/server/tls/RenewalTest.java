package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aNinetyDayCertificateIsRenewedWithThirtyDaysLeft() {
    Instant notAfter = T0.plus(Duration.ofDays(90));
    assertThat(Renewal.due(T0, notAfter, T0.plus(Duration.ofDays(59)))).isFalse();
    assertThat(Renewal.due(T0, notAfter, T0.plus(Duration.ofDays(60)))).isTrue();
    assertThat(Renewal.due(T0, notAfter, notAfter.plusSeconds(1))).isTrue();
  }

  @Test
  void aLongCertificateIsRenewedThirtyDaysBeforeItsEnd() {
    Instant notAfter = T0.plus(Duration.ofDays(5 * 365));
    assertThat(Renewal.due(T0, notAfter, notAfter.minus(Duration.ofDays(31)))).isFalse();
    assertThat(Renewal.due(T0, notAfter, notAfter.minus(Duration.ofDays(29)))).isTrue();
  }

  @Test
  void aShortLivedCertificateIsRenewedWithAThirdOfItsLifeLeft() {
    Instant notAfter = T0.plus(Duration.ofDays(6));
    assertThat(Renewal.due(T0, notAfter, T0.plus(Duration.ofDays(3)))).isFalse();
    assertThat(Renewal.due(T0, notAfter, T0.plus(Duration.ofDays(4)))).isTrue();
  }

  @Test
  void retriesBackOffByDoublingUpToTheMaximum() {
    Duration min = Duration.ofMinutes(1);
    Duration max = Duration.ofHours(6);
    assertThat(Renewal.retryDelay(1, min, max, null)).isEqualTo(Duration.ofMinutes(1));
    assertThat(Renewal.retryDelay(2, min, max, null)).isEqualTo(Duration.ofMinutes(2));
    assertThat(Renewal.retryDelay(5, min, max, null)).isEqualTo(Duration.ofMinutes(16));
    assertThat(Renewal.retryDelay(9, min, max, null)).isEqualTo(Duration.ofMinutes(256));
    assertThat(Renewal.retryDelay(10, min, max, null)).isEqualTo(max);
    assertThat(Renewal.retryDelay(10_000, min, max, null)).isEqualTo(max);
  }

  @Test
  void theCasRetryAfterIsNeverCutShort() {
    assertThat(Renewal.retryDelay(1, Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofHours(3))).isEqualTo(Duration.ofHours(3));
    assertThat(Renewal.retryDelay(1, Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofSeconds(5))).isEqualTo(Duration.ofMinutes(1));
  }
}
