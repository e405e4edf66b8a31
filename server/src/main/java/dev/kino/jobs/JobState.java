package dev.kino.jobs;

/**
 * The closed set of states a job moves through; the names are the seed API's status words. Each
 * constant says who moves a job out of it and where to; nothing else moves a job, and the
 * database's CHECK constraints hold what each state implies (a running job has a lease, a finished
 * one a {@code finished_at}, a completed one an output).
 *
 * <pre>
 *              claim                       complete
 *   IN_QUEUE ---------> IN_PROGRESS ----------------------> COMPLETED
 *      ^  |               |  |  |  fail, or retry / reaper on the last attempt
 *      |  | cancel        |  |  +-------------------------> FAILED
 *      |  | (queued)      |  | cancel running
 *      |  +---------------|--+----------------------------> CANCELLED
 *      |   retry, snooze, release, reaper (attempts left)
 *      +------------------+
 * </pre>
 */
public enum JobState {
  /**
   * Accepted and waiting (since a submit, or put back). Out of it: a worker's claim ({@link
   * JobQueue#claim}) to IN_PROGRESS, taking the next attempt, once any {@code run_after} of a
   * snooze has passed; a cancel ({@link JobRequests#cancel}) to CANCELLED.
   */
  IN_QUEUE("in_queue"),
  /**
   * Owned by one worker under a lease; every way out is fenced by the lease token except the
   * reaper's. Out of it, by its worker ({@link JobQueue}): complete to COMPLETED; fail to FAILED;
   * retry (where it ran failed: a server died) to IN_QUEUE counting the attempt, or FAILED on the
   * last; snooze (its provider is at its limit) to IN_QUEUE until a time, the attempt not counted;
   * release (orderly shutdown) to IN_QUEUE, not counted; cancel running (the API asked with {@link
   * JobRequests#requestCancel} and the engine stopped the work) to CANCELLED. By the lease reaper,
   * when the lease expired (or at start-up on the embedded default, when every running job was
   * abandoned): to IN_QUEUE counting the attempt, or FAILED {@code lease_lost} on the last.
   */
  IN_PROGRESS("in_progress"),
  /** Final: outputs are stored (they may be deleted later; the record stays). Nothing moves it. */
  COMPLETED("completed"),
  /** Final: the error says why. Nothing moves it out. */
  FAILED("failed"),
  /**
   * Final: cancelled while queued, or while running by an engine that could stop its work. Nothing
   * moves it out.
   */
  CANCELLED("cancelled");

  private final String wire;

  JobState(String wire) {
    this.wire = wire;
  }

  /** The word used in the API and the database. */
  public String wire() {
    return wire;
  }

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  public static JobState fromWire(String word) {
    for (JobState s : values()) {
      if (s.wire.equals(word)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown job state " + word);
  }
}
