package dev.kino.webhooks;

import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobStore;
import dev.kino.metrics.Metrics;
import dev.kino.network.AddressPolicy;
import dev.kino.network.HostResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhooks: one thread reads new job events into messages ({@link WebhookOutbox}), takes
 * the messages that are due and sends each on a virtual thread (a bounded number at a time). 2xx
 * delivers; 410 Gone stops for good; anything else is tried again on the {@link RetrySchedule},
 * never before the receiver's Retry-After. Everything is in the database, so a restart carries on
 * where it stopped, with the same message ids.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int IN_FLIGHT = 32;

  /** The longest Retry-After Kino waits for; longer ones are cut to this. */
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

  private final WebhookStore store;
  private final WebhookOutbox outbox;
  private final WebhookSender sender;
  private final RetrySchedule schedule;
  private final Metrics metrics;
  private final Clock clock;
  private final Semaphore slots = new Semaphore(IN_FLIGHT);
  private final Destinations destinations;
  private final ExecutorService sends = Executors.newVirtualThreadPerTaskExecutor();
  private final Thread loop;
  private volatile boolean running = true;

  public WebhookDispatcher(
      WebhookStore store,
      JobStore jobs,
      EventHub hub,
      WebhookBodies bodies,
      WebhookSigner signer,
      AddressPolicy policy,
      HostResolver resolver,
      RetrySchedule schedule,
      Clock clock,
      Metrics metrics) {
    this.store = store;
    this.outbox = new WebhookOutbox(jobs, store, bodies, clock);
    this.sender = new WebhookSender(policy, resolver, signer);
    this.schedule = schedule;
    this.clock = clock;
    this.metrics = metrics;
    this.destinations = new Destinations(clock);
    this.loop = Thread.ofPlatform().name("kino-webhooks").daemon().unstarted(this::run);
    hub.onAnyEvent(this::wake);
  }

  public WebhookDispatcher start() {
    loop.start();
    return this;
  }

  private void wake() {
    LockSupport.unpark(loop);
  }

  private void run() {
    while (running) {
      try {
        outbox.drain();
        dispatchDue();
      } catch (RuntimeException e) {
        LOG.error("webhook dispatch failed; trying again shortly", e);
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  private void dispatchDue() {
    int free = slots.availablePermits();
    if (free == 0) {
      return;
    }
    // Held for the longest an attempt can take, so this node owns the message while it sends it.
    // More are taken than there are free senders, so that messages to a receiver that has its
    // share already do not hide the others' behind them.
    Instant now = clock.instant();
    List<Delivery> due = store.takeDue(now, WebhookSender.TIMEOUT.plusSeconds(45), free * 4);
    int started = 0;
    List<Delivery> postponed = new ArrayList<>();
    for (Delivery delivery : due) {
      if (started == free || !destinations.tryAcquire(delivery.url())) {
        postponed.add(delivery); // its receiver has its share, or no sender is free
        continue;
      }
      started++;
      slots.acquireUninterruptibly();
      sends.execute(
          () -> {
            boolean answered = false;
            try {
              answered = attempt(delivery);
            } finally {
              destinations.release(delivery.url(), answered);
              slots.release();
              wake();
            }
          });
    }
    store.postpone(postponed, now.plus(POSTPONE));
  }

  /** How long a message waits when its receiver has its share of the senders. */
  private static final Duration POSTPONE = Duration.ofSeconds(1);

  /** Sends once and records it; whether the receiver answered at all (any status). */
  private boolean attempt(Delivery delivery) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    WebhookSender.Result result;
    try {
      result = sender.send(delivery, started);
    } catch (InterruptedException e) {
      return true; // shutting down; the message comes due again after its hold
    } catch (RuntimeException e) {
      result =
          new WebhookSender.Result(
              Optional.empty(), Optional.of(e.toString()), Optional.empty(), false);
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    int number = delivery.attempts() + 1;
    Delivery.Attempt attempt =
        new Delivery.Attempt(number, started, result.statusCode(), result.error(), millis);
    Instant now = clock.instant();
    boolean answered = result.statusCode().isPresent();
    if (result.delivered()) {
      store.recordAttempt(delivery, attempt, "delivered", Optional.empty(), now);
      metrics.webhook("delivered");
      return true;
    }
    boolean gone = result.statusCode().filter(code -> code == 410).isPresent();
    Optional<Duration> wait =
        gone || result.permanent() ? Optional.empty() : schedule.after(number);
    if (wait.isEmpty()) {
      LOG.warn(
          "webhook {} for request {} failed for good after {} attempt(s): {}",
          delivery.id(),
          delivery.jobId(),
          number,
          describe(result));
      store.recordAttempt(delivery, attempt, "failed", Optional.empty(), now);
      metrics.webhook("given_up");
      return answered;
    }
    Duration delay = wait.get();
    if (result.retryAfter().isPresent()) {
      Duration asked =
          result.retryAfter().get().compareTo(MAX_RETRY_AFTER) > 0
              ? MAX_RETRY_AFTER
              : result.retryAfter().get();
      delay = asked.compareTo(delay) > 0 ? asked : delay;
    }
    store.recordAttempt(delivery, attempt, "pending", Optional.of(now.plus(delay)), now);
    metrics.webhook("failed");
    return answered;
  }

  private static String describe(WebhookSender.Result result) {
    return result.statusCode().map(c -> "HTTP " + c).orElse(result.error().orElse("no answer"));
  }

  @Override
  public void close() {
    running = false;
    wake();
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sends.shutdownNow();
    try {
      sends.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.close();
  }
}
