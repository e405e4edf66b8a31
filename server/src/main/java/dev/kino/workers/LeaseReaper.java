package dev.kino.workers;

import dev.kino.jobs.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns jobs whose lease expired (their worker died or froze) to the queue, or fails them after their last
 * attempt, every quarter of a lease. One per node, whatever its worker pools; safe on every node at once.
 */
public final class LeaseReaper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);
  private final JobStore store;
  private final Wakeup wakeup;
  private final Clock clock;
  private final Duration lease;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("kino-lease-reaper").daemon().factory());

  public LeaseReaper(JobStore store, Wakeup wakeup, Clock clock, Duration lease) {
    this.store = store;
    this.wakeup = wakeup;
    this.clock = clock;
    this.lease = lease;
  }

  public LeaseReaper start() {
    long every = Math.max(250, lease.toMillis() / 4);
    scheduler.scheduleWithFixedDelay(this::reap, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  private void reap() {
    try {
      int reaped = store.reapExpired(clock.instant());
      if (reaped > 0) {
        LOG.warn("{} job(s) had an expired lease and went back to the queue (or failed on their last attempt)", reaped);
        wakeup.signal();
      }
    } catch (RuntimeException e) {
      LOG.error("lease reaper failed; it runs again shortly", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
