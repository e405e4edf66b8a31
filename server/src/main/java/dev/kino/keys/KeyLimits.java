package dev.kino.keys;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one key may do, each limit optional (absent: the server's default for user keys, or none).
 * {@code maxRunning}: its jobs in progress at once (more stay queued); {@code maxQueued}: its jobs
 * waiting (a submit beyond is refused); {@code submitsPerMinute}: a token bucket of that size,
 * refilled at that rate; {@code budget}: what its jobs may cost per period.
 */
public record KeyLimits(
    OptionalInt maxRunning,
    OptionalInt maxQueued,
    OptionalInt submitsPerMinute,
    Optional<Budget> budget) {

  public static final KeyLimits NONE =
      new KeyLimits(
          OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());

  /** Counts only, no budget. */
  public KeyLimits(OptionalInt maxRunning, OptionalInt maxQueued, OptionalInt submitsPerMinute) {
    this(maxRunning, maxQueued, submitsPerMinute, Optional.empty());
  }

  /** Each limit this key sets, else {@code defaults}'. */
  public KeyLimits or(KeyLimits defaults) {
    return new KeyLimits(
        either(maxRunning, defaults.maxRunning),
        either(maxQueued, defaults.maxQueued),
        either(submitsPerMinute, defaults.submitsPerMinute),
        budget.isPresent() ? budget : defaults.budget);
  }

  private static OptionalInt either(OptionalInt own, OptionalInt fallback) {
    return own.isPresent() ? own : fallback;
  }

  static Integer column(OptionalInt value) {
    return value.isPresent() ? value.getAsInt() : null;
  }
}
