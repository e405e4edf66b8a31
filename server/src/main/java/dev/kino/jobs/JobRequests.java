package dev.kino.jobs;

import static dev.kino.jobs.JobRows.JOB_COLUMNS;
import static dev.kino.jobs.JobRows.JSON;
import static dev.kino.jobs.JobRows.args;

import dev.kino.database.Database;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs as the API's use cases see them: submit, the queries behind status, result and listings,
 * cancel of a queued job and the request to stop a running one, and the record that a finished
 * job's outputs were deleted.
 */
public final class JobRequests {
  private final Database db;
  private final EventHub hub;
  private final StateChanges changes;

  public JobRequests(Database db, EventHub hub) {
    this.db = db;
    this.hub = hub;
    this.changes = new StateChanges(db, hub);
  }

  /** Stores a new job in {@link JobState#IN_QUEUE}; it is durable when this returns. */
  public Job submit(NewJob job, Instant now) {
    return submit(job, now, SubmitLimits.NONE);
  }

  /**
   * As {@link #submit(NewJob, Instant)}, once the job passes its key's {@code limits} (else {@link
   * LimitReached}, and nothing is queued).
   */
  public Job submit(NewJob job, Instant now, SubmitLimits limits) {
    Job stored =
        db.writes()
            .inTransaction(
                h -> {
                  Owners.register(h, job.owner());
                  if (limits.any()) {
                    Owners.lock(h, db.dialect(), job.owner());
                    limits.pass(h, job.owner(), now);
                  }
                  Job inserted =
                      h.createQuery(
                              "INSERT INTO jobs (id, owner, model_id, input, status, max_attempts,"
                                  + " created_at, webhook_url, webhook_on_start, webhook_format,"
                                  + " base_url, reserved_usd)"
                                  + " VALUES (:id, :owner, :model, :input, 'in_queue', :attempts,"
                                  + " :now, :webhook, :on_start, :format, :base, :reserved)"
                                  + " RETURNING "
                                  + JOB_COLUMNS)
                          .bindMap(
                              args(
                                  "id", job.id(),
                                  "owner", job.owner(),
                                  "model", job.modelId(),
                                  "input", JSON.writeValueAsString(job.input()),
                                  "attempts", job.maxAttempts(),
                                  "now", now.toEpochMilli(),
                                  "webhook", job.callback().map(Callback::url).orElse(null),
                                  "on_start",
                                      job.callback().map(c -> c.onStart() ? 1 : 0).orElse(0),
                                  "format",
                                      job.callback()
                                          .map(
                                              c ->
                                                  c.format() == Callback.Format.KINO
                                                      ? null
                                                      : c.format().wire())
                                          .orElse(null),
                                  "base", job.baseUrl(),
                                  "reserved",
                                      limits
                                          .estimateUsd()
                                          .map(java.math.BigDecimal::doubleValue)
                                          .orElse(null)))
                          .map(JobRows::job)
                          .one();
                  JobLog.appendStatus(h, inserted.id(), inserted.state().wire(), 0, null, now);
                  return inserted;
                });
    hub.committed(stored.id(), true);
    hub.transitioned(Transition.of(stored, now));
    return stored;
  }

  /** How many of the owner's jobs wait in the queue, and how many are in progress. */
  public OwnerLoad load(String owner) {
    return db.reads()
        .withHandle(
            h ->
                new OwnerLoad(
                    Owners.count(h, owner, JobState.IN_QUEUE.wire()),
                    Owners.count(h, owner, JobState.IN_PROGRESS.wire())));
  }

  /** What the owner's jobs submitted since {@code since} have cost and reserved. */
  public Spending spending(String owner, Instant since) {
    return db.reads().withHandle(h -> Spending.of(h, owner, since));
  }

  /** An owner's jobs waiting and running. */
  public record OwnerLoad(int queued, int running) {}

  public Optional<Job> find(String id) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = :id")
                    .bind("id", id)
                    .map(JobRows::job)
                    .findOne());
  }

  /** One page of a key's jobs, newest first. */
  public List<Job> list(JobQuery query) {
    StringBuilder sql =
        new StringBuilder("SELECT " + JOB_COLUMNS + " FROM jobs WHERE owner = :owner");
    Map<String, Object> args = args("owner", query.owner(), "limit", query.limit());
    query.state().ifPresent(s -> and(sql, args, "status = :status", "status", s.wire()));
    query.modelId().ifPresent(m -> and(sql, args, "model_id = :model", "model", m));
    query.beforeSeq().ifPresent(b -> and(sql, args, "seq < :before", "before", b));
    query.afterSeq().ifPresent(a -> and(sql, args, "seq > :after", "after", a));
    sql.append(query.ascending() ? " ORDER BY seq ASC" : " ORDER BY seq DESC")
        .append(" LIMIT :limit");
    return db.reads()
        .withHandle(h -> h.createQuery(sql.toString()).bindMap(args).map(JobRows::job).list());
  }

  private static void and(
      StringBuilder sql, Map<String, Object> args, String condition, String name, Object value) {
    sql.append(" AND ").append(condition);
    args.put(name, value);
  }

  /** How many queued jobs are ahead of this one (0: next to run). */
  public long queuePosition(Job job) {
    return changes.scalar(
        Long.class,
        "SELECT count(*) FROM jobs WHERE status = 'in_queue' AND seq < :seq",
        args("seq", job.seq()));
  }

  /** Jobs waiting per model: how many, and when the oldest was submitted. */
  public record QueueDepth(String modelId, long queued, Instant oldest) {}

  /** The queue of every model that has queued jobs (for metrics). */
  public List<QueueDepth> queueDepths() {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT model_id, count(*) AS queued, min(created_at) AS oldest FROM jobs"
                            + " WHERE status = 'in_queue' GROUP BY model_id")
                    .map(
                        (rs, ctx) ->
                            new QueueDepth(
                                rs.getString("model_id"),
                                rs.getLong("queued"),
                                Instant.ofEpochMilli(rs.getLong("oldest"))))
                    .list());
  }

  /** Cancels a queued job; any other state is left alone. */
  public CancelOutcome cancel(String id, Instant now) {
    int cancelled =
        changes.apply(
            "UPDATE jobs SET status = 'cancelled', finished_at = :now"
                + " WHERE id = :id AND status = 'in_queue'",
            args("id", id, "now", now.toEpochMilli()),
            LastReport.NONE,
            now);
    return cancelled == 1 ? CancelOutcome.CANCELLED : CancelOutcome.NOT_CANCELLABLE;
  }

  /**
   * Asks the worker running this job to stop it (its heartbeat reads the request); only for jobs in
   * progress. False when not running.
   */
  public boolean requestCancel(String id, Instant now) {
    return changes.quietly(
            "UPDATE jobs SET cancel_requested_at = coalesce(cancel_requested_at, :now)"
                + " WHERE id = :id AND status = 'in_progress'",
            args("id", id, "now", now.toEpochMilli()))
        == 1;
  }

  /**
   * Records that a finished job's stored outputs were removed (the first time only). False if the
   * job is not finished.
   */
  public boolean markOutputsDeleted(String id, Instant now) {
    return changes.quietly(
            "UPDATE jobs SET outputs_deleted_at = coalesce(outputs_deleted_at, :now)"
                + " WHERE id = :id AND status IN ('completed', 'failed', 'cancelled')",
            args("id", id, "now", now.toEpochMilli()))
        == 1;
  }
}
