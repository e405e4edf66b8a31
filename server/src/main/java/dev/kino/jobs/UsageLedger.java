package dev.kino.jobs;

import dev.kino.database.Database;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Usage reports from the jobs that ended in a time range ({@code finished_at}): per model, per key
 * or per day, the jobs, seconds of video, engine run time and cost. Completed jobs carry their
 * usage; failed and cancelled jobs count as jobs that cost nothing.
 */
public final class UsageLedger {
  private final Database db;

  UsageLedger(Database db) {
    this.db = db;
  }

  /** How the rows are grouped. */
  public enum GroupBy {
    MODEL("model_id"),
    KEY("owner"),
    DAY("finished_at / 86400000");

    final String column;

    GroupBy(String column) {
      this.column = column;
    }
  }

  /**
   * One group: its name (model id, key id, or day as {@code 2026-12-03}), and its totals.
   *
   * @param completed of {@code jobs}, those completed (the only ones charged)
   */
  public record Row(
      String group,
      long jobs,
      long completed,
      double videoSeconds,
      double runSeconds,
      BigDecimal costUsd) {}

  /** The groups of the jobs that ended in [{@code from}, {@code to}), of {@code owner} if given. */
  public List<Row> report(Instant from, Instant to, GroupBy groupBy, Optional<String> owner) {
    return report(from, to, groupBy, owner, Optional.empty());
  }

  /** As {@link #report(Instant, Instant, GroupBy, Optional)}, of one model's jobs if given. */
  public List<Row> report(
      Instant from, Instant to, GroupBy groupBy, Optional<String> owner, Optional<String> model) {
    String sql =
        "SELECT "
            + groupBy.column
            + " AS grp, count(*) AS jobs,"
            + " sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,"
            + " coalesce(sum(usage_video_seconds), 0) AS video_seconds,"
            + " coalesce(sum(usage_run_seconds), 0) AS run_seconds,"
            + " coalesce(sum(usage_cost_usd), 0) AS cost"
            + " FROM jobs WHERE status IN ('completed', 'failed', 'cancelled')"
            + " AND finished_at >= :from AND finished_at < :to"
            + (owner.isPresent() ? " AND owner = :owner" : "")
            + (model.isPresent() ? " AND model_id = :model" : "")
            + " GROUP BY grp ORDER BY grp";
    return db.reads()
        .withHandle(
            h -> {
              var query =
                  h.createQuery(sql)
                      .bind("from", from.toEpochMilli())
                      .bind("to", to.toEpochMilli());
              owner.ifPresent(o -> query.bind("owner", o));
              model.ifPresent(m -> query.bind("model", m));
              return query
                  .map(
                      (rs, ctx) ->
                          new Row(
                              groupBy == GroupBy.DAY
                                  ? Instant.ofEpochMilli(rs.getLong("grp") * 86_400_000L)
                                      .toString()
                                      .substring(0, 10)
                                  : rs.getString("grp"),
                              rs.getLong("jobs"),
                              rs.getLong("completed"),
                              round(rs.getDouble("video_seconds"), 3).doubleValue(),
                              round(rs.getDouble("run_seconds"), 3).doubleValue(),
                              round(rs.getDouble("cost"), 6)))
                  .list();
            });
  }

  /** Sums of decimals stored as doubles, back to the cents (and millionths) they were. */
  private static BigDecimal round(double value, int places) {
    return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).stripTrailingZeros();
  }
}
