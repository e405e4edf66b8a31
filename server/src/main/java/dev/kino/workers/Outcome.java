package dev.kino.workers;

import dev.kino.engines.EngineResult;
import dev.kino.jobs.JobError;
import java.time.Instant;

/** How one run ended; the worker turns it into exactly one fenced write. */
sealed interface Outcome {
  record Succeeded(EngineResult result) implements Outcome {}

  record Failed(JobError error) implements Outcome {}

  /** The node is stopping: give the job back to the queue for another run. */
  record Interrupted() implements Outcome {}

  /** Where it ran failed (its server died): back to the queue for another attempt, counted. */
  record Retry(JobError error) implements Outcome {}

  /**
   * The job cannot start now (its provider is busy): back to the queue until {@code until}, not
   * counted.
   */
  record Snoozed(JobError reason, Instant until) implements Outcome {}

  /** A client cancelled the running job and the engine stopped it. */
  record Cancelled() implements Outcome {}
}
