package dev.kino.jobs;

import dev.kino.database.Columns;
import dev.kino.database.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job queue on SQLite or PostgreSQL (the same SQL but for the claim). Claims are one statement
 * ({@code UPDATE ... RETURNING} of the oldest queued job; on PostgreSQL locked {@code FOR UPDATE
 * SKIP LOCKED} in a CTE), and every write after a claim carries {@code lease_token = ?} in its
 * WHERE clause, so a worker that lost its lease changes nothing. Each state change appends its
 * {@link JobEvent} in the same transaction, after the job's row is locked by its change, so one
 * job's events commit in their sequence order; across jobs the numbers may commit out of order on
 * PostgreSQL, which readers of the whole log allow for (the webhook outbox).
 */
public final class SqlJobStore implements JobStore {
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String COLUMNS =
      "seq, id, owner, model_id, input, status, attempt, max_attempts, progress, output, error, metadata,"
          + " created_at, started_at, finished_at, webhook_url, webhook_on_start, base_url, outputs_deleted_at, engine_state,"
          + " cancel_requested_at";

  /** What a state change returns, to describe it in its event. */
  private static final String CHANGED = " RETURNING id, status, attempt, error";

  /**
   * A job leaving in_progress gives up its lease in the same statement (the CHECK constraints
   * insist).
   */
  private static final String NO_LEASE =
      " lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, cancel_requested_at = NULL";

  private final Database db;
  private final EventHub hub;

  public SqlJobStore(Database db, EventHub hub) {
    this.db = db;
    this.hub = hub;
  }

  @Override
  public Job submit(NewJob job, Instant now) {
    Job stored =
        db.writes()
            .inTransaction(
                h -> {
                  Job inserted =
                      h.createQuery(
                              "INSERT INTO jobs (id, owner, model_id, input, status, max_attempts, created_at,"
                                  + " webhook_url, webhook_on_start, base_url)"
                                  + " VALUES (?, ?, ?, ?, 'in_queue', ?, ?, ?, ?, ?) RETURNING "
                                  + COLUMNS)
                          .bind(0, job.id())
                          .bind(1, job.owner())
                          .bind(2, job.modelId())
                          .bind(3, JSON.writeValueAsString(job.input()))
                          .bind(4, job.maxAttempts())
                          .bind(5, now.toEpochMilli())
                          .bind(6, job.callback().map(Callback::url).orElse(null))
                          .bind(7, job.callback().map(c -> c.onStart() ? 1 : 0).orElse(0))
                          .bind(8, job.baseUrl())
                          .map(SqlJobStore::toJob)
                          .one();
                  appendStatus(h, inserted.id(), inserted.state().wire(), 0, null, now);
                  return inserted;
                });
    hub.committed(stored.id(), true);
    return stored;
  }

  @Override
  public Optional<Job> find(String id) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")
                    .bind(0, id)
                    .map(SqlJobStore::toJob)
                    .findOne());
  }

  @Override
  public List<Job> list(JobQuery query) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE owner = :owner");
    query.state().ifPresent(s -> sql.append(" AND status = :status"));
    query.modelId().ifPresent(m -> sql.append(" AND model_id = :model"));
    query.beforeSeq().ifPresent(b -> sql.append(" AND seq < :before"));
    sql.append(" ORDER BY seq DESC LIMIT :limit");
    return db.reads()
        .withHandle(
            h -> {
              var q =
                  h.createQuery(sql.toString())
                      .bind("owner", query.owner())
                      .bind("limit", query.limit());
              query.state().ifPresent(s -> q.bind("status", s.wire()));
              query.modelId().ifPresent(m -> q.bind("model", m));
              query.beforeSeq().ifPresent(b -> q.bind("before", b));
              return q.map(SqlJobStore::toJob).list();
            });
  }

  @Override
  public List<JobEvent> events(String jobId, long afterSeq, int limit) {
    return readEvents(
        "SELECT seq, job_id, kind, data, created_at FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        jobId,
        afterSeq,
        limit);
  }

  @Override
  public List<JobEvent> recentLogs(String jobId, int limit) {
    List<JobEvent> newestFirst =
        readEvents(
            "SELECT seq, job_id, kind, data, created_at FROM job_events WHERE job_id = ? AND kind = 'log'"
                + " ORDER BY seq DESC LIMIT ?",
            jobId,
            limit);
    return newestFirst.reversed();
  }

  @Override
  public List<JobEvent> eventsAfter(long afterSeq, int limit) {
    return readEvents(
        "SELECT seq, job_id, kind, data, created_at FROM job_events WHERE seq > ? ORDER BY seq LIMIT ?",
        afterSeq,
        limit);
  }

  @Override
  public List<JobEvent> eventsNumbered(List<Long> seqs) {
    if (seqs.isEmpty()) {
      return List.of();
    }
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT seq, job_id, kind, data, created_at FROM job_events WHERE seq IN (<seqs>) ORDER BY seq")
                    .bindList("seqs", seqs)
                    .map(SqlJobStore::toEvent)
                    .list());
  }

  private List<JobEvent> readEvents(String sql, Object... args) {
    return db.reads()
        .withHandle(
            h -> {
              var q = h.createQuery(sql);
              for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
              }
              return q.map(SqlJobStore::toEvent).list();
            });
  }

  @Override
  public boolean markOutputsDeleted(String id, Instant now) {
    return update(
            "UPDATE jobs SET outputs_deleted_at = coalesce(outputs_deleted_at, ?) WHERE id = ? AND status IN ('completed', 'failed', 'cancelled')",
            now.toEpochMilli(),
            id)
        == 1;
  }

  @Override
  public long queuePosition(Job job) {
    return scalar(
        Long.class, "SELECT count(*) FROM jobs WHERE status = 'in_queue' AND seq < ?", job.seq());
  }

  @Override
  public Optional<ClaimedJob> claim(
      String workerId, Instant now, Duration lease, Set<String> modelIds) {
    String token = UUID.randomUUID().toString();
    List<String> scope = List.copyOf(modelIds);
    String where =
        " AND (run_after IS NULL OR run_after <= :now)"
            + (scope.isEmpty() ? "" : " AND model_id IN (<models>)");
    // A read first: a wake-up reaches every idle worker of every engine, and most find nothing for
    // them; they
    // should not queue for the writer ahead of the worker that will claim the job.
    boolean any =
        db.reads()
            .withHandle(
                h -> {
                  var q =
                      h.createQuery(
                              "SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'in_queue'"
                                  + where
                                  + ")")
                          .bind("now", now.toEpochMilli());
                  if (!scope.isEmpty()) {
                    q.bindList("models", scope);
                  }
                  return q.mapTo(Boolean.class).one();
                });
    if (!any) {
      return Optional.empty();
    }
    Optional<ClaimedJob> claimed =
        db.writes()
            .inTransaction(
                h -> {
                  var query =
                      h.createQuery(claimStatement(where))
                          .bind("token", token)
                          .bind("worker", workerId)
                          .bind("expires", now.plus(lease).toEpochMilli())
                          .bind("now", now.toEpochMilli());
                  if (!scope.isEmpty()) {
                    query.bindList("models", scope);
                  }
                  Optional<Job> job = query.map(SqlJobStore::toJob).findOne();
                  job.ifPresent(
                      j -> appendStatus(h, j.id(), j.state().wire(), j.attempt(), null, now));
                  return job.map(j -> new ClaimedJob(j, new Lease(j.id(), token, j.attempt())));
                });
    claimed.ifPresent(c -> hub.committed(c.job().id(), false));
    return claimed;
  }

  /**
   * Takes the oldest queued job matching {@code where}. On PostgreSQL the candidate is locked with
   * SKIP LOCKED in a CTE, so workers of several nodes claiming at once take different jobs instead
   * of queueing behind one row; SQLite's single writer needs no lock.
   */
  private String claimStatement(String where) {
    // started_at never precedes created_at: the worker read the clock before waiting for the
    // writer, which a
    // submit may have held with a later time.
    String set =
        "UPDATE jobs SET status = 'in_progress', attempt = attempt + 1, lease_token = :token, lease_owner = :worker,"
            + " lease_expires_at = :expires, started_at = "
            + db.dialect().larger(":now", "created_at")
            + ", progress = NULL, run_after = NULL";
    String oldest = " FROM jobs WHERE status = 'in_queue'" + where + " ORDER BY seq LIMIT 1";
    return switch (db.dialect()) {
      case SQLITE -> set + " WHERE seq = (SELECT seq" + oldest + ") RETURNING " + COLUMNS;
      case POSTGRESQL ->
          "WITH next AS (SELECT seq AS next_seq"
              + oldest
              + " FOR UPDATE SKIP LOCKED) "
              + set
              + " FROM next WHERE jobs.seq = next.next_seq RETURNING "
              + COLUMNS.replace("seq, id,", "jobs.seq, id,");
    };
  }

  @Override
  public boolean heartbeat(
      Lease lease, Instant now, Duration extension, Double progress, List<String> logs) {
    boolean alive =
        db.writes()
            .inTransaction(
                h -> {
                  int updated =
                      h.createUpdate(
                              "UPDATE jobs SET lease_expires_at = ?, progress = coalesce(?, progress)"
                                  + " WHERE id = ? AND lease_token = ? AND status = 'in_progress'")
                          .bind(0, now.plus(extension).toEpochMilli())
                          .bind(1, progress)
                          .bind(2, lease.jobId())
                          .bind(3, lease.token())
                          .execute();
                  if (updated != 1) {
                    return false;
                  }
                  appendReport(h, lease.jobId(), new LastReport(progress, logs), now);
                  return true;
                });
    if (alive && (progress != null || !logs.isEmpty())) {
      hub.committed(lease.jobId(), false);
    }
    return alive;
  }

  @Override
  public boolean checkpoint(Lease lease, ObjectNode engineState) {
    return update(
            "UPDATE jobs SET engine_state = ? WHERE id = ? AND lease_token = ? AND status = 'in_progress'",
            JSON.writeValueAsString(engineState),
            lease.jobId(),
            lease.token())
        == 1;
  }

  @Override
  public boolean retry(Lease lease, JobError error, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'in_queue' END,"
            + " error = CASE WHEN attempt >= max_attempts THEN ? ELSE NULL END,"
            + " finished_at = CASE WHEN attempt >= max_attempts THEN ? ELSE NULL END, progress = NULL",
        JSON.writeValueAsString(error),
        now.toEpochMilli());
  }

  @Override
  public boolean requestCancel(String id, Instant now) {
    return update(
            "UPDATE jobs SET cancel_requested_at = coalesce(cancel_requested_at, ?) WHERE id = ? AND status = 'in_progress'",
            now.toEpochMilli(),
            id)
        == 1;
  }

  @Override
  public boolean withdrawCancel(Lease lease) {
    boolean withdrawn =
        update(
                "UPDATE jobs SET cancel_requested_at = NULL WHERE id = ? AND lease_token = ? AND status = 'in_progress'",
                lease.jobId(),
                lease.token())
            == 1;
    hub.committed(lease.jobId(), false); // a cancel call waiting for the job hears the answer now
    return withdrawn;
  }

  @Override
  public boolean isCancelRequested(Lease lease) {
    return scalar(
        Boolean.class,
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE id = ? AND lease_token = ? AND cancel_requested_at IS NOT NULL)",
        lease.jobId(),
        lease.token());
  }

  @Override
  public boolean cancelRunning(Lease lease, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'cancelled', finished_at = ?, progress = NULL",
        now.toEpochMilli());
  }

  @Override
  public boolean complete(Lease lease, Completion completion, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'completed', output = ?, metadata = ?, progress = 1, finished_at = ?",
        JSON.writeValueAsString(completion.output()),
        JSON.writeValueAsString(completion.metadata()),
        now.toEpochMilli());
  }

  @Override
  public boolean fail(Lease lease, JobError error, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'failed', error = ?, finished_at = ?",
        JSON.writeValueAsString(error),
        now.toEpochMilli());
  }

  @Override
  public boolean snooze(Lease lease, Instant until, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'in_queue', attempt = attempt - 1, progress = NULL, started_at = NULL, run_after = ?",
        until.toEpochMilli());
  }

  @Override
  public boolean release(Lease lease, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'in_queue', attempt = attempt - 1, progress = NULL, started_at = NULL");
  }

  @Override
  public CancelOutcome cancel(String id, Instant now) {
    int cancelled =
        change(
            "UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'in_queue'",
            now,
            now.toEpochMilli(),
            id);
    return cancelled == 1 ? CancelOutcome.CANCELLED : CancelOutcome.NOT_CANCELLABLE;
  }

  @Override
  public int reapExpired(Instant expiredBefore, Instant now) {
    return requeueRunning("lease_expires_at < ?", expiredBefore.toEpochMilli(), now);
  }

  @Override
  public int recoverAbandoned(Instant now) {
    return requeueRunning("1 = ?", 1, now);
  }

  /**
   * Running jobs matching the condition go back to the queue, or fail when they used their last
   * attempt.
   */
  private int requeueRunning(String condition, Object argument, Instant now) {
    String lost =
        JSON.writeValueAsString(
            new JobError(
                "lease_lost",
                "The job's worker stopped responding on its last allowed attempt; it will not be retried."));
    return change(
        "UPDATE jobs SET"
            + " status = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'in_queue' END,"
            + " error = CASE WHEN attempt >= max_attempts THEN ? ELSE NULL END,"
            + " finished_at = CASE WHEN attempt >= max_attempts THEN ? ELSE NULL END,"
            + " progress = NULL,"
            + NO_LEASE
            + " WHERE status = 'in_progress' AND "
            + condition,
        now,
        lost,
        now.toEpochMilli(),
        argument);
  }

  /** One value read on a reader connection. */
  private <T> T scalar(Class<T> type, String sql, Object... args) {
    return db.reads()
        .withHandle(
            h -> {
              var query = h.createQuery(sql);
              for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
              }
              return query.mapTo(type).one();
            });
  }

  /** One UPDATE that appends no event; how many rows it changed. */
  private int update(String sql, Object... args) {
    return db.writes()
        .withHandle(
            h -> {
              var u = h.createUpdate(sql);
              for (int i = 0; i < args.length; i++) {
                u.bind(i, args[i]);
              }
              return u.execute();
            });
  }

  private int change(String update, Instant now, Object... args) {
    return finish(LastReport.NONE, update, now, args);
  }

  /**
   * Ends the run this lease holds: {@code set} (with its arguments) and the lease given up, only
   * while the lease holds; the run's last report and the status event in the same commit. False:
   * the lease was lost.
   */
  private boolean endRun(Lease lease, LastReport last, Instant now, String set, Object... setArgs) {
    Object[] args = Arrays.copyOf(setArgs, setArgs.length + 2);
    args[setArgs.length] = lease.jobId();
    args[setArgs.length + 1] = lease.token();
    return finish(
            last,
            "UPDATE jobs SET "
                + set
                + ","
                + NO_LEASE
                + " WHERE id = ? AND lease_token = ? AND status = 'in_progress'",
            now,
            args)
        == 1;
  }

  /** A state change; each changed job first gets the run's last report, then its status event. */
  private int finish(LastReport last, String update, Instant now, Object... args) {
    List<Changed> changed =
        db.writes()
            .inTransaction(
                h -> {
                  var q = h.createQuery(update + CHANGED);
                  for (int i = 0; i < args.length; i++) {
                    q.bind(i, args[i]);
                  }
                  // Read every changed row before writing events: the UPDATE must finish stepping
                  // first.
                  List<Changed> rows =
                      q.map(
                              (rs, ctx) ->
                                  new Changed(
                                      rs.getString("id"),
                                      rs.getString("status"),
                                      rs.getInt("attempt"),
                                      rs.getString("error")))
                          .list();
                  for (Changed row : rows) {
                    appendReport(h, row.id(), last, now);
                    appendStatus(h, row.id(), row.status(), row.attempt(), row.error(), now);
                  }
                  return rows;
                });
    changed.forEach(row -> hub.committed(row.id(), JobState.IN_QUEUE.wire().equals(row.status())));
    return changed.size();
  }

  private void appendReport(Handle h, String jobId, LastReport report, Instant now) {
    for (String line : report.lines()) {
      ObjectNode data = JSON.createObjectNode();
      data.put("message", line);
      appendEvent(h, jobId, JobEvent.Kind.LOG, data, now);
    }
    if (report.progress() != null) {
      ObjectNode data = JSON.createObjectNode();
      data.put("progress", report.progress());
      appendEvent(h, jobId, JobEvent.Kind.PROGRESS, data, now);
    }
  }

  private record Changed(String id, String status, int attempt, String error) {}

  private void appendStatus(
      Handle h, String jobId, String status, int attempt, String errorJson, Instant now) {
    ObjectNode data = JSON.createObjectNode();
    data.put("status", status);
    data.put("attempt", attempt);
    if (errorJson != null) {
      data.set("error", JSON.readTree(errorJson));
    }
    appendEvent(h, jobId, JobEvent.Kind.STATUS, data, now);
  }

  private void appendEvent(
      Handle h, String jobId, JobEvent.Kind kind, ObjectNode data, Instant now) {
    h.createUpdate("INSERT INTO job_events (job_id, kind, data, created_at) VALUES (?, ?, ?, ?)")
        .bind(0, jobId)
        .bind(1, kind.wire())
        .bind(2, JSON.writeValueAsString(data))
        .bind(3, now.toEpochMilli())
        .execute();
  }

  private static JobEvent toEvent(ResultSet rs, StatementContext ctx) throws SQLException {
    return new JobEvent(
        rs.getLong("seq"),
        rs.getString("job_id"),
        JobEvent.Kind.fromWire(rs.getString("kind")),
        (ObjectNode) JSON.readTree(rs.getString("data")),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  private static Job toJob(ResultSet rs, StatementContext ctx) throws SQLException {
    String webhook = rs.getString("webhook_url");
    return new Job(
        rs.getString("id"),
        rs.getLong("seq"),
        rs.getString("owner"),
        rs.getString("model_id"),
        (ObjectNode) JSON.readTree(rs.getString("input")),
        JobState.fromWire(rs.getString("status")),
        rs.getInt("attempt"),
        rs.getInt("max_attempts"),
        Optional.ofNullable(rs.getObject("progress")).map(p -> ((Number) p).doubleValue()),
        object(rs.getString("output")),
        Optional.ofNullable(rs.getString("error")).map(e -> JSON.readValue(e, JobError.class)),
        object(rs.getString("metadata")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Columns.optionalInstant(rs, "started_at"),
        Columns.optionalInstant(rs, "finished_at"),
        webhook == null
            ? Optional.empty()
            : Optional.of(new Callback(webhook, rs.getInt("webhook_on_start") == 1)),
        Optional.ofNullable(rs.getString("base_url")).orElse(""),
        Columns.optionalInstant(rs, "outputs_deleted_at"),
        object(rs.getString("engine_state")),
        Columns.optionalInstant(rs, "cancel_requested_at").isPresent());
  }

  private static Optional<ObjectNode> object(String json) {
    if (json == null) {
      return Optional.empty();
    }
    JsonNode node = JSON.readTree(json);
    return Optional.of((ObjectNode) node);
  }
}
