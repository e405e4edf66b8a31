package dev.kino.jobs;

import dev.kino.database.Database;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * One state change of one or more jobs: an {@code UPDATE} whose changed rows each get the run's
 * last report and then their status event, in the same transaction; after the commit the {@link
 * EventHub} hears of each. The one place where a job's status moves without a claim or a submit.
 */
final class StateChanges {
  /** What a state change returns, to describe it in its event. */
  private static final String CHANGED =
      " RETURNING id, status, attempt, error, model_id, created_at, started_at";

  /**
   * A job leaving in_progress gives up its lease in the same statement (the CHECK constraints
   * insist).
   */
  static final String NO_LEASE =
      " lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, cancel_requested_at = NULL";

  /** An attempt ended without an outcome: queued again, or failed when it was the last one. */
  static final String REQUEUE_OR_FAIL =
      "status = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'in_queue' END,"
          + " error = CASE WHEN attempt >= max_attempts THEN :error ELSE NULL END,"
          + " finished_at = CASE WHEN attempt >= max_attempts THEN :now ELSE NULL END,"
          + " progress = NULL";

  private final Database db;
  private final EventHub hub;

  StateChanges(Database db, EventHub hub) {
    this.db = db;
    this.hub = hub;
  }

  /** Runs {@code update} (an UPDATE of jobs with named arguments); how many jobs it changed. */
  int apply(String update, Map<String, Object> args, LastReport last, Instant now) {
    return apply(update, args, last, now, h -> {});
  }

  /** As {@link #apply(String, Map, LastReport, Instant)}, with {@code also} in the same commit. */
  int apply(
      String update,
      Map<String, Object> args,
      LastReport last,
      Instant now,
      Consumer<Handle> also) {
    List<Changed> changed =
        db.writes()
            .inTransaction(
                h -> {
                  also.accept(h);
                  // Read every changed row before writing events: the UPDATE must finish first.
                  List<Changed> rows =
                      h.createQuery(update + CHANGED)
                          .bindMap(args)
                          .map(
                              (rs, ctx) ->
                                  new Changed(
                                      rs.getString("id"),
                                      rs.getString("status"),
                                      rs.getInt("attempt"),
                                      rs.getString("error"),
                                      new Transition(
                                          rs.getString("id"),
                                          rs.getString("model_id"),
                                          JobState.fromWire(rs.getString("status")),
                                          Instant.ofEpochMilli(rs.getLong("created_at")),
                                          startedAt(rs.getLong("started_at"), rs.wasNull()),
                                          now)))
                          .list();
                  for (Changed row : rows) {
                    JobLog.appendReport(h, row.id(), last, now);
                    JobLog.appendStatus(h, row.id(), row.status(), row.attempt(), row.error(), now);
                  }
                  return rows;
                });
    for (Changed row : changed) {
      hub.committed(row.id(), JobState.IN_QUEUE.wire().equals(row.status()));
      hub.transitioned(row.transition());
    }
    return changed.size();
  }

  /** A change that writes no event (a field only the queue reads); how many rows it changed. */
  int quietly(String update, Map<String, Object> args) {
    return db.writes().withHandle(h -> h.createUpdate(update).bindMap(args).execute());
  }

  /** One value read on a reader connection. */
  <T> T scalar(Class<T> type, String sql, Map<String, Object> args) {
    return db.reads().withHandle(h -> h.createQuery(sql).bindMap(args).mapTo(type).one());
  }

  private static Optional<Instant> startedAt(long millis, boolean none) {
    return none ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  private record Changed(
      String id, String status, int attempt, String error, Transition transition) {}
}
