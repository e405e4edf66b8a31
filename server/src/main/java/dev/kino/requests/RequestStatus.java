package dev.kino.requests;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobEvent;
import dev.kino.jobs.JobLog;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobState;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a status or result body shows beyond the job's own record: its place in the queue while it
 * waits, and its engine's latest log lines.
 */
public record RequestStatus(Job job, OptionalLong queuePosition, List<JobEvent> recentLogs) {
  /** How many of the latest engine log lines a status body shows (the events stream has all). */
  public static final int LOG_LINES = 50;

  /**
   * Reads what the status body needs; {@code withLogs} false for the result body, which has none.
   */
  public static RequestStatus of(Job job, JobRequests jobs, JobLog log, boolean withLogs) {
    OptionalLong position =
        job.state() == JobState.IN_QUEUE
            ? OptionalLong.of(jobs.queuePosition(job))
            : OptionalLong.empty();
    return new RequestStatus(
        job, position, withLogs ? log.recentLogs(job.id(), LOG_LINES) : List.of());
  }
}
