package dev.kino.node;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background sweeps that forget what has expired (uploads, idempotency keys), each run once at
 * start and then at a fixed interval on one daemon thread, and the ones that run once only. A sweep
 * that fails is logged and tried again next time.
 */
final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("kino-housekeeping").daemon().factory());

  /** One sweep: removes what expired and says how many it removed. */
  @FunctionalInterface
  interface Sweep {
    int run() throws Exception;
  }

  /**
   * @param sweeps what each sweep removes (for the log) -> the sweep, returning how many it removed
   */
  Housekeeping(Map<String, Sweep> sweeps, Duration every) {
    timer.scheduleWithFixedDelay(
        () -> sweeps.forEach(Housekeeping::runOne), 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A sweep that runs once, in the background, soon after start. */
  void once(String what, Sweep sweep) {
    timer.execute(() -> runOne(what, sweep));
  }

  private static void runOne(String what, Sweep sweep) {
    try {
      int removed = sweep.run();
      if (removed > 0) {
        LOG.info("removed {} {}", removed, what);
      }
    } catch (Exception e) {
      LOG.warn("could not remove {}; will try again", what, e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
