package dev.kino.jobs;

import dev.kino.keys.Budget;
import dev.kino.keys.KeyLimits;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Handle;

/**
 * The limits a submit must pass, checked in its own transaction under the owner's lock ({@link
 * Owners}), so parallel submits of one key on any node cannot pass them together: {@code maxQueued}
 * (the key's jobs waiting), {@code submitsPerMinute} (a token bucket of that many submits, refilled
 * evenly over a minute, kept in {@code submit_buckets}) and {@code budget} (what the key's jobs in
 * the budget's period have cost or reserved, plus this job's {@code estimateUsd}, which the job
 * reserves).
 */
public record SubmitLimits(
    OptionalInt maxQueued,
    OptionalInt submitsPerMinute,
    Optional<Budget> budget,
    Optional<BigDecimal> estimateUsd) {
  public static final SubmitLimits NONE =
      new SubmitLimits(
          OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty());

  /**
   * What of a key's limits a submit checks ({@code max_running} is the claim's), nothing reserved.
   */
  public static SubmitLimits of(KeyLimits key) {
    return new SubmitLimits(
        key.maxQueued(), key.submitsPerMinute(), key.budget(), Optional.empty());
  }

  /** Counts only: no budget, nothing reserved. */
  public SubmitLimits(OptionalInt maxQueued, OptionalInt submitsPerMinute) {
    this(maxQueued, submitsPerMinute, Optional.empty(), Optional.empty());
  }

  private static final long MINUTE = Duration.ofMinutes(1).toMillis();

  /** These limits, reserving {@code usd} for the job (its estimated cost). */
  public SubmitLimits reserving(Optional<BigDecimal> usd) {
    return new SubmitLimits(maxQueued, submitsPerMinute, budget, usd);
  }

  boolean any() {
    return maxQueued.isPresent() || submitsPerMinute.isPresent() || budget.isPresent();
  }

  /** Throws {@link LimitReached} when this submit would pass a limit; else takes its token. */
  void pass(Handle h, String owner, Instant now) {
    if (maxQueued.isPresent()) {
      int max = maxQueued.getAsInt();
      int queued = Owners.count(h, owner, JobState.IN_QUEUE.wire());
      if (queued >= max) {
        throw new LimitReached(
            "max_queued",
            max,
            Optional.empty(),
            "this API key already has "
                + queued
                + " jobs waiting in the queue, its limit (max_queued "
                + max
                + "); submit again when some have started");
      }
    }
    if (budget.isPresent()) {
      reserve(h, owner, budget.get(), now);
    }
    if (submitsPerMinute.isPresent()) {
      takeToken(h, owner, submitsPerMinute.getAsInt(), now.toEpochMilli());
    }
  }

  /** Refuses the job when its estimate would pass what the budget has left in its period. */
  private void reserve(Handle h, String owner, Budget budget, Instant now) {
    BigDecimal estimate = estimateUsd.orElse(BigDecimal.ZERO);
    BigDecimal left = Spending.of(h, owner, budget.periodStart(now)).leftOf(budget.usd());
    if (estimate.compareTo(left) > 0) {
      throw new BudgetExceeded(budget, left, estimate);
    }
  }

  /**
   * The bucket counts in token-milliseconds (one submit costs a minute's worth, {@link #MINUTE}),
   * so that refills and waits are whole numbers: at {@code perMinute} it gains {@code perMinute}
   * per millisecond, up to {@code perMinute} submits.
   */
  private static void takeToken(Handle h, String owner, int perMinute, long now) {
    long full = perMinute * MINUTE;
    long left =
        h.createQuery("SELECT tokens, updated_at FROM submit_buckets WHERE owner = :owner")
            .bind("owner", owner)
            .map(
                (rs, ctx) ->
                    Math.min(
                        full,
                        (long) rs.getDouble("tokens")
                            + Math.max(0, now - rs.getLong("updated_at")) * perMinute))
            .findOne()
            .orElse(full);
    if (left < MINUTE) {
      long wait = perMinute == 0 ? MINUTE : (MINUTE - left + perMinute - 1) / perMinute;
      throw new LimitReached(
          "submits_per_minute",
          perMinute,
          Optional.of(Duration.ofMillis(wait)),
          "this API key may submit "
              + perMinute
              + " jobs per minute (submits_per_minute "
              + perMinute
              + "); try again in "
              + Math.max(1, (wait + 999) / 1000)
              + " s");
    }
    h.createUpdate(
            "INSERT INTO submit_buckets (owner, tokens, updated_at) VALUES (:owner, :tokens, :now)"
                + " ON CONFLICT (owner) DO UPDATE SET tokens = :tokens, updated_at = :now")
        .bind("owner", owner)
        .bind("tokens", (double) (left - MINUTE))
        .bind("now", now)
        .execute();
  }
}
