package dev.kino.requests;

import dev.kino.jobs.CancelOutcome;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobState;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Cancel, as a use case. A queued job is cancelled at once (the seed API's rule). A running one is
 * stopped too when its engine can stop it (ComfyUI, upstream providers): its worker is asked
 * through the store, and the answer waits for the job to end, up to {@link #RUNNING_CANCEL_WAIT};
 * it says {@code cancelled} only if it did, {@code not_cancellable} as soon as the engine withdraws
 * the request.
 */
public final class Cancellations {
  static final Duration RUNNING_CANCEL_WAIT = Duration.ofSeconds(20);
  private static final Duration RECHECK = Duration.ofMillis(500);

  private final JobRequests jobs;
  private final EventHub hub;
  private final Predicate<String> cancelsRunningJobs;
  private final Clock clock;

  /** {@code cancelsRunningJobs} says, by model id, whether its engine can stop a running job. */
  public Cancellations(
      JobRequests jobs, EventHub hub, Predicate<String> cancelsRunningJobs, Clock clock) {
    this.jobs = jobs;
    this.hub = hub;
    this.cancelsRunningJobs = cancelsRunningJobs;
    this.clock = clock;
  }

  /** What the cancel did, with the job as it is afterwards. */
  public record Cancelled(Job job, CancelOutcome outcome) {}

  public Cancelled cancel(Job job) throws InterruptedException {
    CancelOutcome outcome = jobs.cancel(job.id(), clock.instant());
    if (outcome == CancelOutcome.NOT_CANCELLABLE && cancelsRunningJobs.test(job.modelId())) {
      outcome = cancelRunning(job.id());
    }
    return new Cancelled(jobs.find(job.id()).orElse(job), outcome);
  }

  private CancelOutcome cancelRunning(String id) throws InterruptedException {
    try (EventHub.Watch watch = hub.watch(id)) {
      if (!jobs.requestCancel(id, clock.instant())) {
        return CancelOutcome.NOT_CANCELLABLE;
      }
      long deadline = System.nanoTime() + RUNNING_CANCEL_WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        Optional<Job> job = jobs.find(id);
        if (job.isEmpty() || job.get().state().isFinal()) {
          return job.isPresent() && job.get().state() == JobState.CANCELLED
              ? CancelOutcome.CANCELLED
              : CancelOutcome.NOT_CANCELLABLE;
        }
        if (!job.get().cancelRequested()) {
          // Its engine could not stop it (an upstream provider had started the task).
          return CancelOutcome.NOT_CANCELLABLE;
        }
        watch.await(RECHECK);
      }
      return CancelOutcome.NOT_CANCELLABLE;
    }
  }
}
