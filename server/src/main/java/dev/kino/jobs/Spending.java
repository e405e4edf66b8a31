package dev.kino.jobs;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * What an owner's jobs submitted since a time have cost: {@code chargedUsd} for the completed ones,
 * {@code reservedUsd} for those still queued or running (their estimates); failed and cancelled
 * jobs cost nothing.
 */
public record Spending(BigDecimal chargedUsd, BigDecimal reservedUsd) {

  /** What a budget of {@code budgetUsd} has left, never below zero. */
  public BigDecimal leftOf(BigDecimal budgetUsd) {
    BigDecimal left = budgetUsd.subtract(chargedUsd).subtract(reservedUsd);
    return (left.signum() < 0 ? BigDecimal.ZERO : left).stripTrailingZeros();
  }

  static Spending of(Handle h, String owner, Instant since) {
    return h.createQuery(
            "SELECT coalesce(sum(CASE WHEN status = 'completed' THEN usage_cost_usd END), 0) AS charged,"
                + " coalesce(sum(CASE WHEN status IN ('in_queue', 'in_progress')"
                + " THEN reserved_usd END), 0) AS reserved"
                + " FROM jobs WHERE owner = :owner AND created_at >= :since")
        .bind("owner", owner)
        .bind("since", since.toEpochMilli())
        .map(
            (rs, ctx) ->
                new Spending(money(rs.getDouble("charged")), money(rs.getDouble("reserved"))))
        .one();
  }

  private static BigDecimal money(double value) {
    return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
  }
}
