package dev.kino.jobs;

import static dev.kino.jobs.JobRows.EVENT_COLUMNS;
import static dev.kino.jobs.JobRows.JSON;
import static dev.kino.jobs.JobRows.args;

import dev.kino.database.Database;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job event log: every change a client can watch (status, progress, log lines), appended by the
 * queue and the request writes in the same transaction as the change, read by event streams, status
 * bodies and the webhook outbox. Event numbers are one sequence for all jobs; one job's events
 * commit in their order (its row is locked by the change first), across jobs they may commit out of
 * order on PostgreSQL, which readers of the whole log allow for.
 */
public final class JobLog {
  private final Database db;

  public JobLog(Database db) {
    this.db = db;
  }

  /** The job's events after {@code afterSeq} (0: from the start), oldest first. */
  public List<JobEvent> events(String jobId, long afterSeq, int limit) {
    return read(
        "WHERE job_id = :job AND seq > :after ORDER BY seq LIMIT :limit",
        args("job", jobId, "after", afterSeq, "limit", limit));
  }

  /** The job's last {@code limit} log lines, oldest first. */
  public List<JobEvent> recentLogs(String jobId, int limit) {
    return read(
            "WHERE job_id = :job AND kind = 'log' ORDER BY seq DESC LIMIT :limit",
            args("job", jobId, "limit", limit))
        .reversed();
  }

  /** Everyone's events after {@code afterSeq}, oldest first (for readers that follow all jobs). */
  public List<JobEvent> eventsAfter(long afterSeq, int limit) {
    return read(
        "WHERE seq > :after ORDER BY seq LIMIT :limit", args("after", afterSeq, "limit", limit));
  }

  /**
   * The events with these numbers that exist (committed), in order: numbers a reader saw missing
   * before.
   */
  public List<JobEvent> eventsNumbered(List<Long> seqs) {
    if (seqs.isEmpty()) {
      return List.of();
    }
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT "
                            + EVENT_COLUMNS
                            + " FROM job_events WHERE seq IN (<seqs>) ORDER BY seq")
                    .bindList("seqs", seqs)
                    .map(JobRows::event)
                    .list());
  }

  private List<JobEvent> read(String condition, Map<String, Object> args) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + EVENT_COLUMNS + " FROM job_events " + condition)
                    .bindMap(args)
                    .map(JobRows::event)
                    .list());
  }

  /** Appends a job's status event; in the transaction of the change it describes. */
  static void appendStatus(
      Handle h, String jobId, String status, int attempt, String errorJson, Instant now) {
    ObjectNode data = JSON.createObjectNode();
    data.put("status", status);
    data.put("attempt", attempt);
    if (errorJson != null) {
      data.set("error", JSON.readTree(errorJson));
    }
    append(h, jobId, JobEvent.Kind.STATUS, data, now);
  }

  /** Appends what a run reported (its log lines, then its progress), before its status event. */
  static void appendReport(Handle h, String jobId, LastReport report, Instant now) {
    for (String line : report.lines()) {
      ObjectNode data = JSON.createObjectNode();
      data.put("message", line);
      append(h, jobId, JobEvent.Kind.LOG, data, now);
    }
    if (report.progress() != null) {
      ObjectNode data = JSON.createObjectNode();
      data.put("progress", report.progress());
      append(h, jobId, JobEvent.Kind.PROGRESS, data, now);
    }
  }

  private static void append(
      Handle h, String jobId, JobEvent.Kind kind, ObjectNode data, Instant now) {
    h.createUpdate(
            "INSERT INTO job_events (job_id, kind, data, created_at)"
                + " VALUES (:job, :kind, :data, :at)")
        .bindMap(
            args(
                "job", jobId,
                "kind", kind.wire(),
                "data", JSON.writeValueAsString(data),
                "at", now.toEpochMilli()))
        .execute();
  }
}
