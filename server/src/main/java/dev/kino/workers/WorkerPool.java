package dev.kino.workers;

import dev.kino.engines.Engines;
import dev.kino.engines.Slots;
import dev.kino.jobs.ClaimedJob;
import dev.kino.jobs.JobQueue;
import dev.kino.metrics.Metrics;
import dev.kino.models.ModelCatalog;
import dev.kino.storage.DiskSpace;
import dev.kino.storage.FileStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's workers: each claims the oldest queued job, runs it and records the outcome, then
 * claims again; idle workers sleep until a {@link Wakeup} or the next poll. Jobs whose lease
 * expired are the {@link LeaseReaper}'s. A pool serves the models of one engine ({@code scope});
 * when the engine has {@link Slots} (servers), a worker holds a free one before it claims a job.
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
  private static final long POLL_MILLIS = 1000;

  private final JobQueue store;
  private final JobRunner runner;
  private final Wakeup.Lane lane;
  private final Clock clock;
  private final Duration lease;
  private final int size;
  private final String nodeId;
  private final String name;
  private final Set<String> scope;
  private final DiskSpace disk;
  private final Optional<Slots> slots;
  private final List<Thread> threads = new ArrayList<>();
  private final ScheduledExecutorService scheduler;
  private volatile boolean running = true;

  public WorkerPool(
      JobQueue store,
      ModelCatalog models,
      Engines engines,
      FileStore files,
      Path workRoot,
      Wakeup wakeup,
      Clock clock,
      Duration lease,
      int size,
      String nodeId,
      String name,
      Set<String> scope,
      Optional<Slots> slots,
      DiskSpace disk,
      Metrics metrics) {
    this.disk = disk;
    this.name = name;
    this.scope = Set.copyOf(scope);
    this.slots = slots;
    this.store = store;
    this.lane = wakeup.lane();
    this.clock = clock;
    this.lease = lease;
    this.size = size;
    this.nodeId = nodeId;
    this.scheduler =
        Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().name("kino-heartbeat").daemon().factory());
    this.runner =
        new JobRunner(
            store,
            models,
            engines,
            files,
            workRoot,
            clock,
            lease,
            scheduler,
            () -> running,
            metrics);
  }

  /** How many jobs this pool runs at once. */
  public int size() {
    return size;
  }

  public void start() {
    for (int i = 0; i < size; i++) {
      String workerId = nodeId + "/" + name + "-" + i;
      Thread thread =
          Thread.ofPlatform().name("kino-" + name + "-" + i).start(() -> loop(workerId));
      threads.add(thread);
    }
    LOG.info("{} {} worker(s) started", size, name);
  }

  private void loop(String workerId) {
    long seen = lane.current();
    while (running) {
      try {
        if (disk.isFull()) {
          // No room to write outputs or outcomes: queued jobs wait; DiskSpace says so once a
          // minute.
          seen = lane.await(seen, POLL_MILLIS);
          continue;
        }
        // A place to run first (a free, healthy server), then a job: jobs wait in the queue, not on
        // a server.
        Slots.Slot slot =
            slots.isPresent() ? slots.get().take(Duration.ofMillis(POLL_MILLIS)) : Slots.ANYWHERE;
        if (slot == null) {
          continue;
        }
        if (claimAndRun(workerId, slot)) {
          continue;
        }
        seen = lane.await(seen, POLL_MILLIS);
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
      } catch (RuntimeException e) {
        // The store is unreachable or broken; the job, if any, keeps its lease and the reaper frees
        // it.
        failures.report(workerId, e);
        sleepQuietly();
      }
    }
  }

  /**
   * Claims a job this slot can run and runs it; false if there was none. A slot that runs only some
   * of the pool's models (a server without a node pack) may find nothing while another free slot
   * would: those are tried in turn, each held meanwhile so the next take is another one, and all
   * but the one used are given back.
   */
  private boolean claimAndRun(String workerId, Slots.Slot first) throws InterruptedException {
    List<Slots.Slot> held = new ArrayList<>(List.of(first));
    try {
      Slots.Slot slot = first;
      while (slot != null) {
        Set<String> runnable = scope.stream().filter(slot::runs).collect(Collectors.toSet());
        Optional<ClaimedJob> claimed =
            runnable.isEmpty()
                ? Optional.empty()
                : store.claim(workerId, clock, lease, runnable, slot.places());
        if (claimed.isPresent()) {
          Slots.Slot using = slot;
          held.stream().filter(s -> s != using).forEach(Slots.Slot::close);
          held.retainAll(List.of(using));
          runner.run(claimed.get(), using);
          return true;
        }
        boolean partial = runnable.size() < scope.size();
        slot = partial && slots.isPresent() ? slots.get().take(Duration.ZERO) : null;
        if (slot != null) {
          held.add(slot);
        }
      }
      return false;
    } finally {
      held.forEach(Slots.Slot::close);
    }
  }

  /** A failing store is said once with its trace, then in one line a minute while it lasts. */
  private final class Failures {
    private long lastLoggedNanos;
    private boolean logged;

    synchronized void report(String workerId, RuntimeException e) {
      long now = System.nanoTime();
      if (!logged) {
        LOG.error("worker {} could not claim or record a job; retrying every second", workerId, e);
      } else if (now - lastLoggedNanos >= Duration.ofMinutes(1).toNanos()) {
        LOG.error("workers still cannot claim or record jobs: {}", e.toString());
      } else {
        return;
      }
      logged = true;
      lastLoggedNanos = now;
    }
  }

  private final Failures failures = new Failures();

  private static void sleepQuietly() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops claiming, interrupts running jobs (they go back to the queue) and waits for the workers
   * to finish.
   */
  @Override
  public void close() {
    running = false;
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        thread.join(10_000);
        if (thread.isAlive()) {
          LOG.warn(
              "{} did not stop within 10 s; its job, if any, goes back to the queue as another"
                  + " attempt when its lease runs out",
              thread.getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    scheduler.shutdownNow();
  }
}
