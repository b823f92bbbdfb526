package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burst of orders is spread out, and what was spent is still spent after a restart. */
class OrderBudgetTest {

  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir
  Path data;

  @Test
  void ordersOverTheHourlyBudgetWaitForTheOldestToAgeOut() {
    OrderBudget b = new OrderBudget(3, 100, data.resolve("orders"));
    for (int i = 0; i < 3; i++) {
      assertThat(b.nextSlot(T.plusSeconds(i))).isEmpty();
      b.ordered(T.plusSeconds(i));
    }
    assertThat(b.nextSlot(T.plusSeconds(10))).contains(T.plus(Duration.ofHours(1)));
    assertThat(b.nextSlot(T.plus(Duration.ofHours(1)))).isEmpty();
  }

  @Test
  void certificatesOverTheWeeklyBudgetWaitADayOrMoreAndARestartChangesNothing() throws Exception {
    OrderBudget b = new OrderBudget(100, 2, data.resolve("orders"));
    b.ordered(T);
    b.issued(T);
    b.ordered(T.plus(Duration.ofDays(1)));
    b.issued(T.plus(Duration.ofDays(1)));
    assertThat(b.nextSlot(T.plus(Duration.ofDays(2)))).contains(T.plus(Duration.ofDays(7)));

    OrderBudget restarted = new OrderBudget(100, 2, data.resolve("orders"));
    assertThat(restarted.nextSlot(T.plus(Duration.ofDays(2)))).contains(T.plus(Duration.ofDays(7)));
    Files.writeString(data.resolve("orders"), "issued x\ngarbage\n");
    assertThat(new OrderBudget(100, 2, data.resolve("orders")).nextSlot(T)).as("a damaged file counts for nothing").isEmpty();
  }
}
