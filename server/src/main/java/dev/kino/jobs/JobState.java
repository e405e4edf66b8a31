package dev.kino.jobs;

/** The closed set of states a job moves through; the names are the seed API's status words. */
public enum JobState {
  /**
   * Accepted and waiting. A worker's claim moves it to IN_PROGRESS; a cancel moves it to CANCELLED.
   */
  IN_QUEUE("in_queue"),
  /**
   * Owned by a worker under a lease. The worker moves it to COMPLETED or FAILED; if the lease
   * expires, the reaper puts it back IN_QUEUE, or FAILED after the last attempt.
   */
  IN_PROGRESS("in_progress"),
  /** Final: outputs are stored. Nothing moves it out. */
  COMPLETED("completed"),
  /** Final: the error says why. Nothing moves it out. */
  FAILED("failed"),
  /** Final: cancelled while queued. Nothing moves it out. */
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
