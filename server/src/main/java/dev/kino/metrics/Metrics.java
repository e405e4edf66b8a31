package dev.kino.metrics;

import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobState;
import dev.kino.jobs.Transition;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node counts of its work, in Prometheus' text format through Micrometer: jobs submitted
 * and ended (by model, engine, outcome), how long they waited and ran, the queue per model, engine
 * errors, webhook deliveries, HTTP requests by route and status, and submits refused by a limit.
 *
 * <p>Counters count what this node did (in a cluster, sum them over the nodes); the queue gauges
 * are read from the database and are the cluster's, the same on every node.
 */
public final class Metrics {
  private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

  /** Queue waits: from a blink to an hour. */
  private static final Duration[] WAITS = seconds(0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600);

  /** Runs of a video model: from a second to an hour. */
  private static final Duration[] RUNS = seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600);

  /** How often the queue gauges may read the database, however often they are scraped. */
  private static final Duration QUEUE_READ_EVERY = Duration.ofSeconds(1);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ModelCatalog catalog;
  private final Supplier<List<JobRequests.QueueDepth>> queue;
  private final Clock clock;
  private final MultiGauge queueDepth;
  private final MultiGauge oldestQueued;
  private final ReentrantLock queueRead = new ReentrantLock();
  private volatile Instant queueReadAt = Instant.EPOCH;

  /** {@code queue}: reads the queue per model ({@link JobRequests#queueDepths}). */
  public Metrics(
      ModelCatalog catalog,
      Supplier<List<JobRequests.QueueDepth>> queue,
      EventHub hub,
      Clock clock) {
    this.catalog = catalog;
    this.queue = queue;
    this.clock = clock;
    this.queueDepth =
        MultiGauge.builder("kino.queue.depth")
            .description("Jobs waiting in the queue, per model (the cluster's)")
            .register(registry);
    this.oldestQueued =
        MultiGauge.builder("kino.queue.oldest.age")
            .description("How long the oldest queued job of the model has waited (the cluster's)")
            .baseUnit("seconds")
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    hub.onTransition(this::transitioned);
  }

  private void transitioned(Transition t) {
    String engine = engineOf(t.modelId());
    switch (t.to()) {
      case IN_QUEUE -> {
        if (t.startedAt().isEmpty()) {
          Counter.builder("kino.jobs.submitted")
              .description("Jobs accepted by this node's API")
              .tags("model", t.modelId(), "engine", engine)
              .register(registry)
              .increment();
        }
      }
      case IN_PROGRESS ->
          timer("kino.queue.wait", "How long jobs waited in the queue before a start", WAITS)
              .tags("model", t.modelId(), "engine", engine)
              .register(registry)
              .record(t.waited());
      case COMPLETED, FAILED, CANCELLED -> ended(t, engine);
    }
  }

  private void ended(Transition t, String engine) {
    String outcome = t.to().wire();
    Counter.builder("kino.jobs.ended")
        .description("Jobs that ended, by how (this node committed the end)")
        .tags("model", t.modelId(), "engine", engine, "outcome", outcome)
        .register(registry)
        .increment();
    if (t.to() != JobState.CANCELLED) {
      t.ran()
          .ifPresent(
              ran ->
                  timer("kino.jobs.run", "How long the last attempt of an ended job ran", RUNS)
                      .tags("model", t.modelId(), "engine", engine, "outcome", outcome)
                      .register(registry)
                      .record(ran));
    }
  }

  /**
   * An engine's run ended in an error ({@code kind}: failed, retried elsewhere, or busy and back in
   * the queue) with the error's code.
   */
  /**
   * One route of a model with several, read when scraped: whether its circuit is open (1, also
   * while it waits for its probe) and its failures in a row (this node's view).
   */
  public void route(String modelId, String route, DoubleSupplier open, DoubleSupplier failures) {
    io.micrometer.core.instrument.Gauge.builder("kino.route.circuit.open", open::getAsDouble)
        .description("1 while the route's circuit is open: new jobs skip it until a probe succeeds")
        .tags("model", modelId, "route", route)
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "kino.route.consecutive.failures", failures::getAsDouble)
        .description("Failures in a row of the route's own making")
        .tags("model", modelId, "route", route)
        .register(registry);
  }

  public void engineError(String modelId, String kind, String code) {
    Counter.builder("kino.engine.errors")
        .description("Runs that ended in an engine's or provider's error")
        .tags("model", modelId, "engine", engineOf(modelId), "kind", kind, "code", code)
        .register(registry)
        .increment();
  }

  /** A webhook attempt: delivered, failed (to be tried again) or given up. */
  public void webhook(String outcome) {
    Counter.builder("kino.webhook.deliveries")
        .description("Webhook delivery attempts, by outcome")
        .tags("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** A request answered: its method, its route's pattern (not its path), its status. */
  public void http(String method, String route, int status, long nanos) {
    httpTimer(method, route, status).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The same, for a route answered so often that even finding its meter counts: found once here.
   */
  public LongConsumer httpRecorder(String method, String route, int status) {
    Timer timer = httpTimer(method, route, status);
    return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer httpTimer(String method, String route, int status) {
    return Timer.builder("kino.http.requests")
        .description("HTTP requests answered, by route and status")
        .tags(Tags.of("method", method, "route", route, "status", Integer.toString(status)))
        .register(registry);
  }

  /** A submit refused by a limit ({@code limit}: max_queued, submits_per_minute, budget_usd...). */
  public void refused(String limit) {
    Counter.builder("kino.submits.refused")
        .description("Submits refused by a key's limit")
        .tags("limit", limit)
        .register(registry)
        .increment();
  }

  /** Everything, in Prometheus' text format (version 0.0.4). */
  public String scrape() {
    readQueue();
    return registry.scrape();
  }

  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  /** The queue gauges, read again when older than a second (a model with none waiting: 0). */
  private void readQueue() {
    Instant now = clock.instant();
    if (Duration.between(queueReadAt, now).compareTo(QUEUE_READ_EVERY) < 0
        || !queueRead.tryLock()) {
      return;
    }
    try {
      Map<String, JobRequests.QueueDepth> byModel = new HashMap<>();
      for (JobRequests.QueueDepth depth : queue.get()) {
        byModel.put(depth.modelId(), depth);
      }
      List<MultiGauge.Row<?>> depths = new ArrayList<>();
      List<MultiGauge.Row<?>> ages = new ArrayList<>();
      for (Model model : catalog.all()) {
        String id = model.definition().id();
        byModel.putIfAbsent(id, new JobRequests.QueueDepth(id, 0, now));
      }
      for (JobRequests.QueueDepth depth : byModel.values()) {
        Tags tags = Tags.of("model", depth.modelId(), "engine", engineOf(depth.modelId()));
        depths.add(MultiGauge.Row.of(tags, depth.queued()));
        double waited =
            depth.queued() == 0 ? 0 : Duration.between(depth.oldest(), now).toMillis() / 1000.0;
        ages.add(MultiGauge.Row.of(tags, Math.max(0, waited)));
      }
      queueDepth.register(depths, true);
      oldestQueued.register(ages, true);
      queueReadAt = now;
    } catch (RuntimeException e) {
      // A scrape during a database outage still answers, with the last queue it read.
      LOG.warn("metrics: could not read the queue: {}", e.getMessage());
    } finally {
      queueRead.unlock();
    }
  }

  private String engineOf(String modelId) {
    return catalog.find(modelId).map(m -> m.definition().engine()).orElse("unknown");
  }

  private static Timer.Builder timer(String name, String description, Duration[] buckets) {
    return Timer.builder(name).description(description).serviceLevelObjectives(buckets);
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofMillis(Math.round(values[i] * 1000));
    }
    return durations;
  }
}
