package dev.kino.jobs;

/** Whose job a claim takes first. */
public enum QueueOrder {
  /**
   * Keys take turns: the oldest job of the key claimed least recently. The default: one key's
   * thousand jobs do not hold another key's five.
   */
  FAIR,

  /**
   * The oldest queued job of all, whoever submitted it (for benchmarks and single-user installs).
   */
  FIFO
}
