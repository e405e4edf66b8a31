package dev.kino.jobs;

import dev.kino.database.Outages;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * The durable queue. Implementations must make {@link #claim} atomic (one statement, or {@code FOR
 * UPDATE SKIP LOCKED} on PostgreSQL) and honour the lease token on every write after a claim: a
 * write with a stale token changes nothing and returns {@code false}.
 *
 * <p>Every change a client can watch is also appended as a {@link JobEvent} in the same
 * transaction, and the {@link EventHub} is told after the commit.
 */
public interface JobStore {

  /** Stores a new job in {@link JobState#IN_QUEUE}; it is durable when this returns. */
  Job submit(NewJob job, Instant now);

  Optional<Job> find(String id);

  /** One page of a key's jobs, newest first. */
  List<Job> list(JobQuery query);

  /** The job's events after {@code afterSeq} (0: from the start), oldest first. */
  List<JobEvent> events(String jobId, long afterSeq, int limit);

  /** The job's last {@code limit} log lines, oldest first. */
  List<JobEvent> recentLogs(String jobId, int limit);

  /**
   * The events with these numbers that exist (committed), in order: numbers a reader saw missing
   * before.
   */
  List<JobEvent> eventsNumbered(List<Long> seqs);

  /** Everyone's events after {@code afterSeq}, oldest first (for readers that follow all jobs). */
  List<JobEvent> eventsAfter(long afterSeq, int limit);

  /**
   * Records that a finished job's stored outputs were removed. False if the job is not finished.
   */
  boolean markOutputsDeleted(String id, Instant now);

  /** How many queued jobs are ahead of this one (0: next to run). */
  long queuePosition(Job job);

  /**
   * Takes the oldest queued job of one of these models (any model when empty), if any, under a new
   * lease.
   */
  Optional<ClaimedJob> claim(String workerId, Instant now, Duration lease, Set<String> modelIds);

  /** Records the engine's state for this run before it acts on it. False: the lease is lost. */
  boolean checkpoint(Lease lease, ObjectNode engineState);

  /**
   * Puts a job back in the queue after a failure that another attempt may not have (its server
   * died), counting the attempt; fails it with {@code error} when it was the last one.
   */
  boolean retry(Lease lease, JobError error, Instant now, LastReport last);

  /**
   * Asks the worker running this job to stop it; only for jobs in progress. False when not running.
   */
  boolean requestCancel(String id, Instant now);

  /**
   * Withdraws the cancel asked for the job this lease runs (its engine could not stop it); it runs
   * on.
   */
  boolean withdrawCancel(Lease lease);

  /** Whether a cancel was asked for the job this lease runs. */
  boolean isCancelRequested(Lease lease);

  /** Ends a running job as cancelled, after its worker stopped the run. */
  boolean cancelRunning(Lease lease, Instant now, LastReport last);

  /**
   * Extends the lease, records progress (0..1; null when unknown or unchanged since the last call:
   * each figure becomes an event) and appends the engine's new log lines. False: the lease is lost,
   * and nothing was written.
   */
  boolean heartbeat(
      Lease lease, Instant now, Duration extension, Double progress, List<String> logs);

  // The outcomes of a run: each writes only while the lease holds (false: lost, nothing written),
  // and writes the
  // run's last report (see LastReport) in the same commit.

  boolean complete(Lease lease, Completion completion, Instant now, LastReport last);

  boolean fail(Lease lease, JobError error, Instant now, LastReport last);

  /**
   * Gives a job back to the queue without counting the attempt, to be claimed no sooner than {@code
   * until} (its provider was at its limit).
   */
  boolean snooze(Lease lease, Instant until, Instant now, LastReport last);

  /** Gives a job back to the queue without counting the attempt (orderly shutdown). */
  boolean release(Lease lease, Instant now, LastReport last);

  /** Cancels a queued job; any other state is left alone. */
  CancelOutcome cancel(String id, Instant now);

  /**
   * Puts back every running job whose lease expired before {@code now}, or fails it when it used
   * its last attempt. Safe to run on every node at once. Returns how many jobs it touched.
   */
  default int reapExpired(Instant now) {
    return reapExpired(now, now);
  }

  /**
   * As {@link #reapExpired(Instant)}, for leases that expired before {@code expiredBefore} only.
   */
  int reapExpired(Instant expiredBefore, Instant now);

  /**
   * Treats every running job as abandoned, as {@link #reapExpired} would once their leases ran out.
   * Only for a node that knows it is the sole user of the store (the embedded default, after taking
   * the data dir lock).
   */
  int recoverAbandoned(Instant now);

  /**
   * True when a store call failed because the database could not be reached (worth trying again),
   * not on its own.
   */
  static boolean isOutage(RuntimeException e) {
    return Outages.isOutage(e);
  }
}
