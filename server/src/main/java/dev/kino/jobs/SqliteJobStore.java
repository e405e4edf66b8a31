package dev.kino.jobs;

import dev.kino.database.SqliteDatabase;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.statement.StatementContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job queue on SQLite. Claims are one {@code UPDATE ... WHERE seq = (SELECT ...) RETURNING} statement, and
 * every write after a claim carries {@code lease_token = ?} in its WHERE clause, so a worker that lost its lease
 * changes nothing.
 */
public final class SqliteJobStore implements JobStore {
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String COLUMNS =
      "seq, id, owner, model_id, input, status, attempt, max_attempts, progress, output, error, metadata,"
          + " created_at, started_at, finished_at";

  /** A job leaving in_progress gives up its lease in the same statement (the CHECK constraints insist). */
  private static final String NO_LEASE = " lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL";

  private final SqliteDatabase db;

  public SqliteJobStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public Job submit(NewJob job, Instant now) {
    String id = UUID.randomUUID().toString();
    return db.writes()
        .withHandle(
            h ->
                h.createQuery(
                        "INSERT INTO jobs (id, owner, model_id, input, status, max_attempts, created_at)"
                            + " VALUES (?, ?, ?, ?, 'in_queue', ?, ?) RETURNING "
                            + COLUMNS)
                    .bind(0, id)
                    .bind(1, job.owner())
                    .bind(2, job.modelId())
                    .bind(3, JSON.writeValueAsString(job.input()))
                    .bind(4, job.maxAttempts())
                    .bind(5, now.toEpochMilli())
                    .map(SqliteJobStore::toJob)
                    .one());
  }

  @Override
  public Optional<Job> find(String id) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")
                    .bind(0, id)
                    .map(SqliteJobStore::toJob)
                    .findOne());
  }

  @Override
  public long queuePosition(Job job) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM jobs WHERE status = 'in_queue' AND seq < ?")
                    .bind(0, job.seq())
                    .mapTo(Long.class)
                    .one());
  }

  @Override
  public Optional<ClaimedJob> claim(String workerId, Instant now, Duration lease) {
    String token = UUID.randomUUID().toString();
    return db.writes()
        .withHandle(
            h ->
                h.createQuery(
                        "UPDATE jobs SET status = 'in_progress', attempt = attempt + 1, lease_token = ?,"
                            + " lease_owner = ?, lease_expires_at = ?, started_at = ?, progress = NULL"
                            + " WHERE seq = (SELECT seq FROM jobs WHERE status = 'in_queue' ORDER BY seq LIMIT 1)"
                            + " RETURNING "
                            + COLUMNS)
                    .bind(0, token)
                    .bind(1, workerId)
                    .bind(2, now.plus(lease).toEpochMilli())
                    .bind(3, now.toEpochMilli())
                    .map(SqliteJobStore::toJob)
                    .findOne()
                    .map(job -> new ClaimedJob(job, new Lease(job.id(), token, job.attempt()))));
  }

  @Override
  public boolean heartbeat(Lease lease, Instant now, Duration extension, Double progress) {
    return update(
        "UPDATE jobs SET lease_expires_at = ?, progress = coalesce(?, progress)"
            + " WHERE id = ? AND lease_token = ? AND status = 'in_progress'",
        now.plus(extension).toEpochMilli(),
        progress,
        lease.jobId(),
        lease.token());
  }

  @Override
  public boolean complete(Lease lease, Completion completion, Instant now) {
    return update(
        "UPDATE jobs SET status = 'completed', output = ?, metadata = ?, progress = 1, finished_at = ?,"
            + NO_LEASE
            + " WHERE id = ? AND lease_token = ? AND status = 'in_progress'",
        JSON.writeValueAsString(completion.output()),
        JSON.writeValueAsString(completion.metadata()),
        now.toEpochMilli(),
        lease.jobId(),
        lease.token());
  }

  @Override
  public boolean fail(Lease lease, JobError error, Instant now) {
    return update(
        "UPDATE jobs SET status = 'failed', error = ?, finished_at = ?,"
            + NO_LEASE
            + " WHERE id = ? AND lease_token = ? AND status = 'in_progress'",
        JSON.writeValueAsString(error),
        now.toEpochMilli(),
        lease.jobId(),
        lease.token());
  }

  @Override
  public boolean release(Lease lease) {
    return update(
        "UPDATE jobs SET status = 'in_queue', attempt = attempt - 1, progress = NULL, started_at = NULL,"
            + NO_LEASE
            + " WHERE id = ? AND lease_token = ? AND status = 'in_progress'",
        lease.jobId(),
        lease.token());
  }

  @Override
  public CancelOutcome cancel(String id, Instant now) {
    boolean cancelled =
        update(
            "UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'in_queue'",
            now.toEpochMilli(),
            id);
    return cancelled ? CancelOutcome.CANCELLED : CancelOutcome.NOT_CANCELLABLE;
  }

  @Override
  public int reapExpired(Instant now) {
    return requeueRunning("lease_expires_at < ?", now.toEpochMilli(), now);
  }

  @Override
  public int recoverAbandoned(Instant now) {
    return requeueRunning("1 = ?", 1, now);
  }

  /** Running jobs matching the condition go back to the queue, or fail when they used their last attempt. */
  private int requeueRunning(String condition, Object argument, Instant now) {
    String lost =
        JSON.writeValueAsString(
            new JobError(
                "lease_lost",
                "The job's worker stopped responding on its last allowed attempt; it will not be retried."));
    return db.writes()
        .withHandle(
            h ->
                h.createUpdate(
                        "UPDATE jobs SET"
                            + " status = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'in_queue' END,"
                            + " error = CASE WHEN attempt >= max_attempts THEN ? ELSE NULL END,"
                            + " finished_at = CASE WHEN attempt >= max_attempts THEN ? ELSE NULL END,"
                            + " progress = NULL,"
                            + NO_LEASE
                            + " WHERE status = 'in_progress' AND "
                            + condition)
                    .bind(0, lost)
                    .bind(1, now.toEpochMilli())
                    .bind(2, argument)
                    .execute());
  }

  private boolean update(String sql, Object... args) {
    return db.writes()
        .withHandle(
            h -> {
              var update = h.createUpdate(sql);
              for (int i = 0; i < args.length; i++) {
                update.bind(i, args[i]);
              }
              return update.execute() == 1;
            });
  }

  private static Job toJob(ResultSet rs, StatementContext ctx) throws SQLException {
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
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }

  private static Optional<ObjectNode> object(String json) {
    if (json == null) {
      return Optional.empty();
    }
    JsonNode node = JSON.readTree(json);
    return Optional.of((ObjectNode) node);
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }
}
