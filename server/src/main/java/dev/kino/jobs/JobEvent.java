package dev.kino.jobs;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One thing that happened to a job, in commit order: a status change, a progress figure or an
 * engine log line. {@code seq} is unique across all jobs and only grows; it is the SSE event id.
 */
public record JobEvent(long seq, String jobId, Kind kind, ObjectNode data, Instant at) {

  public enum Kind {
    STATUS,
    PROGRESS,
    LOG;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Kind fromWire(String word) {
      return valueOf(word.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** True for the status event that ends a job's stream. */
  public boolean isFinal() {
    return kind == Kind.STATUS && JobState.fromWire(data.path("status").asString()).isFinal();
  }
}
