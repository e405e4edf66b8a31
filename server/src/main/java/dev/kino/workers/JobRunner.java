package dev.kino.workers;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Engines;
import dev.kino.engines.OutputFile;
import dev.kino.engines.Reporter;
import dev.kino.engines.Slots;
import dev.kino.jobs.ClaimedJob;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobError;
import dev.kino.jobs.JobQueue;
import dev.kino.jobs.LastReport;
import dev.kino.jobs.Lease;
import dev.kino.metrics.Metrics;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.models.ModelDefinition;
import dev.kino.storage.FileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one claimed job to one outcome, with a heartbeat that renews the lease (and records
 * progress) while the engine works. If the heartbeat finds the lease lost, the engine is
 * interrupted and nothing more is written.
 */
final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final long HEARTBEAT_MILLIS = 1000;

  private final JobQueue store;
  private final ModelCatalog models;
  private final Engines engines;
  private final Path workRoot;
  private final Clock clock;
  private final Duration lease;
  private final ScheduledExecutorService scheduler;
  private final BooleanSupplier nodeRunning;
  private final OutcomeRecorder recorder;

  JobRunner(
      JobQueue store,
      ModelCatalog models,
      Engines engines,
      FileStore files,
      Path workRoot,
      Clock clock,
      Duration lease,
      ScheduledExecutorService scheduler,
      BooleanSupplier nodeRunning,
      Metrics metrics) {
    this.store = store;
    this.models = models;
    this.engines = engines;
    this.workRoot = workRoot;
    this.clock = clock;
    this.lease = lease;
    this.scheduler = scheduler;
    this.nodeRunning = nodeRunning;
    this.recorder = new OutcomeRecorder(store, models, files, clock, metrics);
  }

  /** What the heartbeat shares with the worker thread about one run. */
  private record RunFlags(
      AtomicBoolean leaseLost, AtomicBoolean cancelRequested, boolean cancellable) {}

  void run(ClaimedJob claimed, Slots.Slot slot) throws InterruptedException {
    Job job = claimed.job();
    Lease jobLease = claimed.lease();
    LOG.info(
        "job {} ({}) started, attempt {}, on {}",
        job.id(),
        job.modelId(),
        job.attempt(),
        slot.name());
    Optional<Model> model = models.find(job.modelId());
    Optional<Engine> engine = model.flatMap(m -> engines.serving(m.definition()));
    RunFlags flags =
        new RunFlags(
            new AtomicBoolean(),
            new AtomicBoolean(),
            engine.map(Engine::cancelsRunningJobs).orElse(false));
    RunReport report =
        new RunReport(
            new RunReport.JobWrites() {
              @Override
              public void checkpoint(ObjectNode state) throws InterruptedException {
                if (!store.checkpoint(jobLease, state)) {
                  throw new InterruptedException(
                      "the job's lease was lost before its engine could record its state");
                }
              }

              @Override
              public void route(String name) throws InterruptedException {
                if (!store.bindRoute(jobLease, name)) {
                  throw new InterruptedException(
                      "the job's lease was lost before it could be bound to route " + name);
                }
              }

              @Override
              public boolean holdPlace(List<String> places) {
                return store.holdPlace(jobLease, places, clock.instant());
              }

              @Override
              public void cancelRefused() {
                store.withdrawCancel(jobLease);
                flags.cancelRequested().set(false);
              }
            });
    AtomicBoolean leaseLost = flags.leaseLost();
    Thread worker = Thread.currentThread();
    long heartbeatEvery = Math.min(HEARTBEAT_MILLIS, lease.toMillis() / 3);
    ScheduledFuture<?> heartbeat =
        scheduler.scheduleWithFixedDelay(
            () -> beat(jobLease, report, flags, worker),
            heartbeatEvery,
            heartbeatEvery,
            TimeUnit.MILLISECONDS);
    Path workDir = null;
    Outcome outcome;
    try {
      workDir = Files.createDirectories(workRoot.resolve(job.id() + "-" + job.attempt()));
      outcome = execute(job, model, engine, workDir, report, slot, flags);
    } catch (IOException e) {
      outcome =
          new Outcome.Failed(
              new JobError(
                  "internal_error",
                  "could not prepare the job's work directory: " + e.getMessage()));
    } finally {
      heartbeat.cancel(false);
    }
    try {
      if (leaseLost.get()) {
        LOG.warn(
            "job {} lost its lease while running; its result is discarded (another run owns the job)",
            job.id());
        Thread.interrupted();
        return;
      }
      LastReport last;
      synchronized (report) { // a scheduled beat may still be sending
        last = report.last();
      }
      Thread.interrupted(); // a lease lost just now is found by record(), which then writes nothing
      recorder.record(job, jobLease, outcome, last);
    } finally {
      deleteTree(workDir);
    }
    if (outcome instanceof Outcome.Interrupted && !nodeRunning.getAsBoolean()) {
      throw new InterruptedException("node stopping");
    }
  }

  /**
   * The one catch-all: whatever the engine throws ends as an outcome, never as a job stuck in
   * progress.
   */
  private Outcome execute(
      Job job,
      Optional<Model> served,
      Optional<Engine> engineFound,
      Path workDir,
      Reporter progress,
      Slots.Slot slot,
      RunFlags flags) {
    try {
      Model model =
          served.orElseThrow(
              () ->
                  new EngineException(
                      "model_unavailable",
                      "the model " + job.modelId() + " is no longer served by this node"));
      Engine engine =
          engineFound.orElseThrow(
              () ->
                  new EngineException(
                      "engine_unavailable",
                      "the engine "
                          + model.definition().engine()
                          + " is not available on this node"));
      if (job.route().isPresent()
          && job.engineState().isPresent()
          && model.definition().route(job.route().get()).isEmpty()) {
        // Its task is at that route's provider; only that route knows how to follow it.
        throw new EngineException(
            "route_removed",
            "the job was running on route "
                + job.route().get()
                + ", which is no longer among the routes of "
                + job.modelId()
                + "; Kino cannot follow its task there, and does not start it again elsewhere");
      }
      boolean routed = model.definition().routes().size() > 1;
      EngineTask task =
          new EngineTask(
              job.id(),
              job.modelId(),
              job.input(),
              model.definition().engineSettings(),
              job.attempt(),
              workDir,
              job.engineState(),
              slot,
              flags.cancelRequested()::get,
              // Not a cancel: that stays with the interrupt alone, which an engine that cannot stop
              // its task consumes once before it runs on (a flag still set would stop it later).
              () -> !nodeRunning.getAsBoolean() || flags.leaseLost().get(),
              routed ? job.route() : Optional.of(model.definition().routeName()),
              false);
      return new Outcome.Succeeded(
          withRequiredOutputs(engine.run(task, progress), model.definition()));
    } catch (EngineException e) {
      JobError error = new JobError(e.code(), e.getMessage(), e.detail().orElse(null));
      if (e.retryAfter().isPresent()) {
        return new Outcome.Snoozed(error, clock.instant().plus(e.retryAfter().get()));
      }
      return e.isRetryable() ? new Outcome.Retry(error) : new Outcome.Failed(error);
    } catch (InterruptedException e) {
      return flags.cancelRequested().get() ? new Outcome.Cancelled() : new Outcome.Interrupted();
    } catch (RuntimeException | Error e) {
      LOG.error(
          "job {} failed with an unexpected error in its engine; the job is marked failed",
          job.id(),
          e);
      return new Outcome.Failed(
          new JobError("engine_error", "the engine failed unexpectedly: " + e));
    }
  }

  /** An engine's success without an output the model promises is a failure, named as such. */
  private static EngineResult withRequiredOutputs(EngineResult result, ModelDefinition definition)
      throws EngineException {
    List<String> produced = result.files().stream().map(OutputFile::field).toList();
    List<String> missing =
        definition.requiredOutputs().stream().filter(f -> !produced.contains(f)).toList();
    if (!missing.isEmpty()) {
      throw new EngineException(
          "missing_output",
          "the engine finished without the "
              + String.join(", ", missing)
              + " output the model "
              + definition.id()
              + " must produce"
              + (produced.isEmpty() ? "" : " (it produced: " + String.join(", ", produced) + ")"));
    }
    return result;
  }

  /**
   * One beat at a time per run (the scheduled one and the final one may meet), so no line is sent
   * twice.
   */
  private void beat(Lease jobLease, RunReport report, RunFlags flags, Thread worker) {
    synchronized (report) {
      beatOnce(jobLease, report, flags, worker);
    }
  }

  private void beatOnce(Lease jobLease, RunReport report, RunFlags flags, Thread worker) {
    try {
      if (!store.heartbeat(
          jobLease, clock.instant(), lease, report.newProgress(), report.newLines())) {
        if (flags.leaseLost().compareAndSet(false, true)) {
          worker.interrupt();
        }
        return;
      }
      if (flags.cancellable()
          && !flags.cancelRequested().get()
          && store.isCancelRequested(jobLease)) {
        flags.cancelRequested().set(true);
        worker.interrupt();
      }
    } catch (RuntimeException e) {
      // A missed heartbeat is survivable while the lease lasts; the next one tries again.
      LOG.warn("heartbeat for job {} failed: {}", jobLease.jobId(), e.getMessage());
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete work directory {}: {}", dir, e.getMessage());
    }
  }
}
