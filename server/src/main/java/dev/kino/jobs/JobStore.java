package dev.kino.jobs;

import dev.kino.database.Database;
import java.util.OptionalInt;

/**
 * The durable job records on SQLite or PostgreSQL (the same SQL but for the claim), in three parts
 * by who uses them: the {@link JobQueue} (workers: claims and lease-fenced writes), {@link
 * ExpiredLeases} (the reaper and start-up recovery), the {@link JobRequests} (the API's use cases:
 * submit, queries, cancel), the {@link JobLog} (event readers) and the {@link UsageLedger} (usage
 * reports). Every change a client can watch is appended to the log in its own transaction, and the
 * {@link EventHub} is told after the commit.
 */
public record JobStore(
    JobQueue queue, ExpiredLeases expired, JobRequests requests, JobLog log, UsageLedger usage) {

  public static JobStore on(Database db, EventHub hub) {
    return on(db, hub, OptionalInt.empty(), QueueOrder.FAIR);
  }

  /**
   * As {@link #on(Database, EventHub)}, with a default {@code max_running} for user keys that set
   * none, and whose jobs the claims take first.
   */
  public static JobStore on(
      Database db, EventHub hub, OptionalInt userMaxRunning, QueueOrder order) {
    return new JobStore(
        new JobQueue(db, hub, userMaxRunning, order),
        new ExpiredLeases(db, hub),
        new JobRequests(db, hub),
        new JobLog(db),
        new UsageLedger(db));
  }
}
