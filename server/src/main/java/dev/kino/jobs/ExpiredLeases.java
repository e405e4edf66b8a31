package dev.kino.jobs;

import static dev.kino.jobs.JobRows.JSON;
import static dev.kino.jobs.JobRows.args;

import dev.kino.database.Database;
import java.time.Instant;
import java.util.Map;

/**
 * Running jobs whose worker is gone: put back in the queue, or failed {@code lease_lost} when they
 * used their last attempt. The lease reaper's writes (on every node at once, safely) and the
 * embedded node's start-up recovery; the only writes to a running job not fenced by its lease.
 */
public final class ExpiredLeases {
  private static final String LEASE_LOST =
      JSON.writeValueAsString(
          new JobError(
              "lease_lost",
              "The job's worker stopped responding on its last allowed attempt; it will not be"
                  + " retried."));

  private final StateChanges changes;

  public ExpiredLeases(Database db, EventHub hub) {
    this.changes = new StateChanges(db, hub);
  }

  /**
   * Puts back every running job whose lease expired before {@code expiredBefore}; how many jobs it
   * touched.
   */
  public int reap(Instant expiredBefore, Instant now) {
    return requeueRunning(
        " AND lease_expires_at < :expired", now, "expired", expiredBefore.toEpochMilli());
  }

  /** As {@link #reap(Instant, Instant)}, for leases expired by {@code now}. */
  public int reap(Instant now) {
    return reap(now, now);
  }

  /**
   * Treats every running job as abandoned, as {@link #reap} would once their leases ran out. Only
   * for a node that knows it is the sole user of the store (the embedded default, after taking the
   * data dir lock).
   */
  public int recoverAbandoned(Instant now) {
    return requeueRunning("", now);
  }

  private int requeueRunning(String condition, Instant now, Object... more) {
    Map<String, Object> args = args(more);
    args.put("error", LEASE_LOST);
    args.put("now", now.toEpochMilli());
    return changes.apply(
        "UPDATE jobs SET "
            + StateChanges.REQUEUE_OR_FAIL
            + ","
            + StateChanges.NO_LEASE
            + " WHERE status = 'in_progress'"
            + condition,
        args,
        LastReport.NONE,
        now);
  }
}
