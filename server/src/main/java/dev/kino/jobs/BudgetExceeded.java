package dev.kino.jobs;

import dev.kino.keys.Budget;
import java.math.BigDecimal;

/** A submit whose estimated cost would pass what its key's budget has left; nothing was queued. */
public final class BudgetExceeded extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Budget budget;
  private final BigDecimal leftUsd;
  private final BigDecimal estimateUsd;

  BudgetExceeded(Budget budget, BigDecimal leftUsd, BigDecimal estimateUsd) {
    super(
        "this job is estimated at "
            + estimateUsd.toPlainString()
            + " USD but the API key's budget (budget_usd "
            + budget.usd().toPlainString()
            + (budget.period() == Budget.Period.MONTH ? " a month" : " in total")
            + ") has "
            + leftUsd.toPlainString()
            + " USD left",
        null,
        false,
        false);
    this.budget = budget;
    this.leftUsd = leftUsd;
    this.estimateUsd = estimateUsd;
  }

  public Budget budget() {
    return budget;
  }

  public BigDecimal leftUsd() {
    return leftUsd;
  }

  public BigDecimal estimateUsd() {
    return estimateUsd;
  }
}
