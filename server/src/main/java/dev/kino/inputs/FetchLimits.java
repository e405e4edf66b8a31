package dev.kino.inputs;

import java.time.Duration;

/**
 * How long and how slowly a fetch may go: time to connect, time for the whole download (every
 * redirect hop included), longest silence on the connection, and a minimum average rate once {@code
 * rateGrace} has passed, so a server trickling a byte every few seconds cannot hold a worker for
 * the whole total timeout.
 */
public record FetchLimits(
    Duration connectTimeout,
    Duration totalTimeout,
    Duration idleTimeout,
    long minBytesPerSecond,
    Duration rateGrace) {
  public static final FetchLimits DEFAULT =
      new FetchLimits(
          Duration.ofSeconds(10),
          Duration.ofSeconds(120),
          Duration.ofSeconds(20),
          16 * 1024,
          Duration.ofSeconds(10));

  public FetchLimits withTotalTimeout(Duration total) {
    return new FetchLimits(connectTimeout, total, idleTimeout, minBytesPerSecond, rateGrace);
  }
}
