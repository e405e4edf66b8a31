package dev.kino.database;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's one clock: this node's clock corrected to the database server's. Leases are written
 * by one node and judged by another's reaper, so if each used its own clock, a node a minute ahead
 * would find every other node's leases expired. The offset is measured at start and every {@link
 * #REMEASURE} (the midpoint of a round trip to {@code clock_timestamp()}); a node more than {@link
 * #SKEW_WORTH_TELLING} off is logged, once per change of that size. During an outage the last
 * offset holds.
 */
public final class DatabaseClock extends Clock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseClock.class);
  static final Duration REMEASURE = Duration.ofSeconds(30);
  static final Duration SKEW_WORTH_TELLING = Duration.ofSeconds(1);

  private final Database db;
  private final Clock local;
  private final ScheduledExecutorService timer;
  private volatile long offsetMillis;
  private long toldMillis;

  private DatabaseClock(Database db, Clock local, ScheduledExecutorService timer) {
    this.db = db;
    this.local = local;
    this.timer = timer;
  }

  /** Measures the offset now and keeps it up to date until closed. */
  public static DatabaseClock start(Database db, Clock local) {
    DatabaseClock clock =
        new DatabaseClock(
            db,
            local,
            Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("kino-database-clock").daemon().factory()));
    clock.measure();
    clock.timer.scheduleWithFixedDelay(
        clock::measureQuietly, REMEASURE.toMillis(), REMEASURE.toMillis(), TimeUnit.MILLISECONDS);
    return clock;
  }

  /** How far the database's clock is ahead of this node's (negative: behind). */
  public Duration offset() {
    return Duration.ofMillis(offsetMillis);
  }

  @Override
  public Instant instant() {
    return local.instant().plusMillis(offsetMillis);
  }

  @Override
  public ZoneId getZone() {
    return local.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("Kino's clocks are UTC");
  }

  private void measureQuietly() {
    try {
      measure();
    } catch (RuntimeException e) {
      // An outage: the last offset holds until the database answers again.
    }
  }

  private void measure() {
    long before = local.millis();
    long database =
        db.reads()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)")
                        .mapTo(Long.class)
                        .one());
    long after = local.millis();
    offsetMillis = database - (before + after) / 2;
    if (Math.abs(offsetMillis - toldMillis) >= SKEW_WORTH_TELLING.toMillis()) {
      LOG.warn(
          "this node's clock is {} ms {} the database's; Kino times leases and records by the"
              + " database's clock (fix the node's time sync: NTP or chrony)",
          Math.abs(offsetMillis),
          offsetMillis > 0 ? "behind" : "ahead of");
      toldMillis = offsetMillis;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
