package dev.kino.workers;

import dev.kino.engines.EngineResult;
import dev.kino.engines.OutputFile;
import dev.kino.jobs.Completion;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobError;
import dev.kino.jobs.JobQueue;
import dev.kino.jobs.LastReport;
import dev.kino.jobs.Lease;
import dev.kino.jobs.Usage;
import dev.kino.metrics.Metrics;
import dev.kino.models.ModelCatalog;
import dev.kino.storage.FileStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes how a run ended, under the run's lease and with its last report, in one commit: a success
 * with its outputs stored and its usage priced, a failure, a retry, a snooze, a release or a
 * cancel. Each write waits out a database that cannot be reached for a while; a lease lost
 * meanwhile makes it write nothing.
 */
final class OutcomeRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

  private final JobQueue store;
  private final ModelCatalog models;
  private final FileStore files;
  private final Clock clock;
  private final Metrics metrics;

  OutcomeRecorder(
      JobQueue store, ModelCatalog models, FileStore files, Clock clock, Metrics metrics) {
    this.store = store;
    this.models = models;
    this.files = files;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * A store write that ends a run, tried again while the database cannot be reached: the write is
   * fenced by the lease, so a late one changes nothing if the job moved on meanwhile. Gives up (the
   * lease decides) after {@link #RECORD_PATIENCE}.
   */
  private boolean patiently(String jobId, BooleanSupplier write) throws InterruptedException {
    long giveUpAt = System.nanoTime() + RECORD_PATIENCE.toNanos();
    Duration pause = Duration.ofMillis(250);
    while (true) {
      try {
        return write.getAsBoolean();
      } catch (RuntimeException e) {
        if (!JobQueue.isOutage(e) || System.nanoTime() > giveUpAt) {
          throw e;
        }
        LOG.warn(
            "job {}: the database cannot be reached to record the run's outcome ({}); trying again",
            jobId,
            e.getMessage());
        Thread.sleep(pause);
        pause =
            pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                ? Duration.ofSeconds(5)
                : pause.multipliedBy(2);
      }
    }
  }

  /** How long a finished run waits for the database to record its outcome. */
  private static final Duration RECORD_PATIENCE = Duration.ofMinutes(5);

  /** Writes the outcome with the run's last report, in one commit. */
  void record(Job job, Lease jobLease, Outcome outcome, LastReport last)
      throws InterruptedException {
    boolean recorded =
        switch (outcome) {
          case Outcome.Succeeded s -> complete(job, jobLease, s.result(), last);
          case Outcome.Failed f -> {
            LOG.info("job {} failed: {} ({})", job.id(), f.error().code(), f.error().message());
            metrics.engineError(job.modelId(), "failed", f.error().code());
            yield patiently(job.id(), () -> store.fail(jobLease, f.error(), clock.instant(), last));
          }
          case Outcome.Interrupted i -> {
            LOG.info("job {} interrupted; back to the queue", job.id());
            yield patiently(job.id(), () -> store.release(jobLease, clock.instant(), last));
          }
          case Outcome.Retry r -> {
            LOG.warn(
                "job {}: {} ({}); back to the queue for another attempt",
                job.id(),
                r.error().code(),
                r.error().message());
            metrics.engineError(job.modelId(), "retried", r.error().code());
            yield patiently(
                job.id(), () -> store.retry(jobLease, r.error(), clock.instant(), last));
          }
          case Outcome.Snoozed z -> {
            LOG.info(
                "job {}: {} ({}); back to the queue until {}",
                job.id(),
                z.reason().code(),
                z.reason().message(),
                z.until());
            metrics.engineError(job.modelId(), "busy", z.reason().code());
            yield patiently(
                job.id(), () -> store.snooze(jobLease, z.until(), clock.instant(), last));
          }
          case Outcome.Cancelled c -> {
            LOG.info("job {} cancelled while running", job.id());
            yield patiently(job.id(), () -> store.cancelRunning(jobLease, clock.instant(), last));
          }
        };
    if (!recorded) {
      LOG.warn(
          "job {}: the outcome was not recorded because the lease was lost meanwhile", job.id());
    }
  }

  /**
   * Stores the files under attempt-specific keys, so a stale run can never overwrite the winner's
   * outputs.
   */
  private boolean complete(Job job, Lease jobLease, EngineResult result, LastReport last)
      throws InterruptedException {
    ObjectNode output = JsonMapper.shared().createObjectNode();
    try {
      for (OutputFile file : result.files()) {
        String key =
            "jobs/" + job.id() + "/" + jobLease.attempt() + "/" + file.path().getFileName();
        files.put(key, file.path());
        if (!output.has(file.field())) {
          output.put(file.field(), key);
        }
        ArrayNode plural =
            output.has(file.field() + "s")
                ? (ArrayNode) output.get(file.field() + "s")
                : output.putArray(file.field() + "s");
        plural.add(key);
      }
    } catch (IOException e) {
      LOG.error("job {}: cannot store its outputs; the job is marked failed", job.id(), e);
      return patiently(
          job.id(),
          () ->
              store.fail(
                  jobLease,
                  new JobError(
                      "storage_failed", "the outputs could not be stored: " + e.getMessage()),
                  clock.instant(),
                  last));
    }
    Instant now = clock.instant();
    Usage usage =
        UsageMeter.measure(
            job,
            result,
            models
                .find(job.modelId())
                .flatMap(
                    m ->
                        m.definition()
                            .pricingOn(
                                Optional.ofNullable(result.metadata().get("route"))
                                    .map(r -> r.asString()))),
            job.startedAt().orElse(now),
            now);
    ObjectNode metadata = result.metadata().deepCopy();
    metadata.set("usage", usage.toJson());
    boolean done =
        patiently(
            job.id(),
            () ->
                store.complete(
                    jobLease, new Completion(output, metadata, usage), clock.instant(), last));
    if (done) {
      LOG.info("job {} completed", job.id());
    }
    return done;
  }
}
