package dev.kino.workers;

import dev.kino.jobs.ExpiredLeases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns jobs whose lease expired (their worker died or froze) to the queue, or fails them after
 * their last attempt, every quarter of a lease. One per node, whatever its worker pools; safe on
 * every node at once.
 *
 * <p>While the database was out of reach (a restart, a network cut) no heartbeat got through, so
 * when it answers again every running job's lease may look expired although its worker carried on.
 * For one lease after that the reaper takes only leases that expired a whole lease earlier: live
 * workers renew theirs meanwhile, jobs of workers that died during the outage still go back to the
 * queue.
 */
public final class LeaseReaper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);
  private final ExpiredLeases expired;
  private final Wakeup wakeup;
  private final Clock clock;
  private final Duration lease;

  /**
   * The last round could not reach the database; until when (nanoTime) the reaper stays lenient
   * afterwards.
   */
  private boolean failing;

  private long graceUntil;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("kino-lease-reaper").daemon().factory());

  public LeaseReaper(ExpiredLeases expired, Wakeup wakeup, Clock clock, Duration lease) {
    this.expired = expired;
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
    Instant now = clock.instant();
    boolean lenient = failing || System.nanoTime() < graceUntil;
    try {
      int reaped = expired.reap(lenient ? now.minus(lease) : now, now);
      if (failing) {
        failing = false;
        graceUntil = System.nanoTime() + lease.toNanos();
        LOG.info(
            "the database answers again; for the next {} s only leases expired a lease ago are reaped",
            lease.toSeconds());
      }
      if (reaped > 0) {
        LOG.warn(
            "{} job(s) had an expired lease and went back to the queue (or failed on their last attempt)",
            reaped);
        wakeup.signalAll();
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.error("lease reaper failed; it runs again shortly", e);
      }
      failing = true;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
