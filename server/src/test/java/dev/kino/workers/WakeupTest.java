package dev.kino.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One queued job wakes one idle worker per pool; a worker busy at the signal does not miss it. */
class WakeupTest {
  static final long LONG_WAIT = 60_000;

  @Test
  void a_signal_wakes_one_idle_worker_of_each_pool_and_signal_all_wakes_the_rest()
      throws Exception {
    Wakeup wakeup = new Wakeup();
    Wakeup.Lane sandbox = wakeup.lane();
    Wakeup.Lane upstream = wakeup.lane();
    AtomicInteger sandboxWoken = new AtomicInteger();
    AtomicInteger upstreamWoken = new AtomicInteger();
    Thread[] waiters = new Thread[6];
    for (int i = 0; i < waiters.length; i++) {
      Wakeup.Lane lane = i < 4 ? sandbox : upstream;
      AtomicInteger woken = i < 4 ? sandboxWoken : upstreamWoken;
      long seen = lane.current();
      waiters[i] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      lane.await(seen, LONG_WAIT);
                      woken.incrementAndGet();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
    }
    await().until(() -> waiting(sandbox) == 4 && waiting(upstream) == 2);

    wakeup.signal();

    await().until(() -> sandboxWoken.get() == 1 && upstreamWoken.get() == 1);
    assertThat(sandbox.ticketsForTest()).as("no wake-up left for another sandbox worker").isZero();
    assertThat(waiting(sandbox)).as("the other sandbox workers sleep on").isEqualTo(3);
    assertThat(sandboxWoken.get()).isEqualTo(1);

    wakeup.signalAll();

    await().until(() -> sandboxWoken.get() == 4 && upstreamWoken.get() == 2);
    for (Thread t : waiters) {
      t.join();
    }
  }

  @Test
  void a_worker_that_was_busy_when_the_signal_came_looks_again_at_once() throws Exception {
    Wakeup wakeup = new Wakeup();
    Wakeup.Lane lane = wakeup.lane();
    long seen = lane.current(); // the worker claims, finds nothing...

    wakeup.signal(); // ...a job arrives before it waits

    long started = System.nanoTime();
    lane.await(seen, LONG_WAIT);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("returned without waiting for the poll")
        .isLessThan(Duration.ofSeconds(30));
  }

  private static int waiting(Wakeup.Lane lane) {
    synchronized (lane) {
      return lane.waitingForTest();
    }
  }
}
