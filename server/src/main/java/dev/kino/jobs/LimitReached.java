package dev.kino.jobs;

import java.time.Duration;
import java.util.Optional;

/**
 * A submit refused by one of its key's limits, with nothing queued: which limit ({@code
 * max_queued}, {@code submits_per_minute}), its value, and when trying again may succeed.
 */
public final class LimitReached extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String limit;
  private final int value;
  private final transient Optional<Duration> retryAfter;

  LimitReached(String limit, int value, Optional<Duration> retryAfter, String message) {
    super(message, null, false, false);
    this.limit = limit;
    this.value = value;
    this.retryAfter = retryAfter;
  }

  public String limit() {
    return limit;
  }

  public int value() {
    return value;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
