package dev.kino.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a webhook again: the n-th delay after the n-th failed attempt, plus up to 10% random
 * jitter so that many messages failing together do not come back together. Never earlier than the
 * schedule says.
 *
 * @param delays the wait before each attempt; the first is usually zero (deliver at once)
 */
public record RetrySchedule(List<Duration> delays) {
  public RetrySchedule {
    delays = List.copyOf(delays);
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("a retry schedule needs at least one attempt");
    }
  }

  public int attempts() {
    return delays.size();
  }

  /**
   * The wait before the next attempt after {@code made} attempts failed, or empty when none are
   * left.
   */
  Optional<Duration> after(int made) {
    if (made >= delays.size()) {
      return Optional.empty();
    }
    Duration base = delays.get(made);
    long jitter = (long) (base.toMillis() * 0.1 * ThreadLocalRandom.current().nextDouble());
    return Optional.of(base.plusMillis(jitter));
  }

  /** Parses {@code 0s,5s,5m,30m,2h} (units ms, s, m, h, d). */
  public static RetrySchedule parse(String text) {
    return new RetrySchedule(
        java.util.Arrays.stream(text.split(","))
            .map(String::strip)
            .map(RetrySchedule::duration)
            .toList());
  }

  private static Duration duration(String word) {
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(word);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + word + "\" is not a duration such as 500ms, 5s, 5m, 2h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
