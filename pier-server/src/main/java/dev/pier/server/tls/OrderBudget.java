package dev.pier.server.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * How many ACME orders Pier places, so that a burst of new sites (or a tenant making them in a loop) never runs into
 * the CA's own limits (Let's Encrypt: 50 certificates per registered domain a week) and every other name keeps its
 * renewals: at most {@code perHour} orders in any hour, failed ones included, and {@code perWeek} certificates issued
 * in any week. What is over waits its turn, spread over time, as the names that had to wait are tried again. The
 * counts are kept in a file, so a restart does not reset them.
 */
final class OrderBudget {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration WEEK = Duration.ofDays(7);

  private final int perHour;
  private final int perWeek;
  private final Path file;
  private final Deque<Instant> orders = new ArrayDeque<>();
  private final Deque<Instant> issued = new ArrayDeque<>();

  OrderBudget(int perHour, int perWeek, Path file) {
    if (perHour < 1 || perWeek < 1) {
      throw new IllegalArgumentException("pier.acme.max-orders-per-hour and max-certificates-per-week must be 1 or more");
    }
    this.perHour = perHour;
    this.perWeek = perWeek;
    this.file = file;
    load();
  }

  /** When the next order may be placed: empty if now. */
  synchronized Optional<Instant> nextSlot(Instant now) {
    prune(now);
    Instant at = now;
    if (orders.size() >= perHour) {
      at = max(at, orders.toArray(Instant[]::new)[orders.size() - perHour].plus(HOUR));
    }
    if (issued.size() >= perWeek) {
      at = max(at, issued.toArray(Instant[]::new)[issued.size() - perWeek].plus(WEEK));
    }
    return at.equals(now) ? Optional.empty() : Optional.of(at);
  }

  /** An order placed now. */
  synchronized void ordered(Instant now) {
    orders.addLast(now);
    save(now);
  }

  /** A certificate issued now. */
  synchronized void issued(Instant now) {
    issued.addLast(now);
    save(now);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private void prune(Instant now) {
    while (!orders.isEmpty() && !orders.peekFirst().plus(HOUR).isAfter(now)) {
      orders.removeFirst();
    }
    while (!issued.isEmpty() && !issued.peekFirst().plus(WEEK).isAfter(now)) {
      issued.removeFirst();
    }
  }

  private void load() {
    if (file == null || !Files.exists(file)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.strip().split(" ");
        try {
          if (f.length == 2 && f[0].equals("order")) {
            orders.addLast(Instant.ofEpochSecond(Long.parseLong(f[1])));
          } else if (f.length == 2 && f[0].equals("issued")) {
            issued.addLast(Instant.ofEpochSecond(Long.parseLong(f[1])));
          }
        } catch (NumberFormatException | java.time.DateTimeException damaged) {
          // a damaged line counts for nothing
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ACME order counts in " + file, e);
    }
  }

  private void save(Instant now) {
    prune(now);
    if (file == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    orders.forEach(t -> b.append("order ").append(t.getEpochSecond()).append('\n'));
    issued.forEach(t -> b.append("issued ").append(t.getEpochSecond()).append('\n'));
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, b);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the ACME order counts in " + file, e);
    }
  }
}
