package dev.kino.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A job's move into a state, told by the node that committed it (once per move in a cluster): for
 * what a node counts of its work (metrics), never for correctness. {@code startedAt} is the current
 * attempt's start, when it has one.
 */
public record Transition(
    String jobId,
    String modelId,
    JobState to,
    Instant createdAt,
    Optional<Instant> startedAt,
    Instant at) {

  /** How long the job waited in the queue before this start (for a move into in_progress). */
  public Duration waited() {
    return Duration.between(createdAt, startedAt.orElse(at));
  }

  /** How long the attempt ran, when it had started. */
  public Optional<Duration> ran() {
    return startedAt.map(s -> Duration.between(s, at));
  }

  static Transition of(Job job, Instant at) {
    return new Transition(
        job.id(), job.modelId(), job.state(), job.createdAt(), job.startedAt(), at);
  }
}
