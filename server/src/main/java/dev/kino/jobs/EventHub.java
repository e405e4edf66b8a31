package dev.kino.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * In-process wake-ups for readers of {@link JobEvent}s: the store calls {@link #published} after it
 * commits events, and whoever watches that job (an SSE stream) or all jobs (the webhook outbox)
 * reads the new events from the store. Only a hint: readers also re-read on a timer, which is what
 * guarantees they miss nothing. Uses {@link ReentrantLock}, not {@code synchronized}, so thousands
 * of waiting virtual threads never pin their carriers on Java 21.
 */
public final class EventHub implements AutoCloseable {
  private final ConcurrentHashMap<String, Signal> watched = new ConcurrentHashMap<>();
  private final List<Consumer<Optional<String>>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Transition>> transitionListeners = new CopyOnWriteArrayList<>();
  private final List<Outbound> outbound = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * Called by the store after its own commit that added events for the job ({@code queued}: the job
   * is waiting for a worker now): wakes this node's readers and tells the other nodes, if there are
   * any.
   */
  public void committed(String jobId, boolean queued) {
    published(jobId);
    outbound.forEach(o -> o.changed(jobId, queued));
  }

  /**
   * Where this node's commits go beyond it (another node's {@code ClusterChanges}); for a cluster
   * only.
   */
  public void onCommitted(Outbound listener) {
    outbound.add(listener);
  }

  /** Someone beyond this node to tell of a commit. */
  @FunctionalInterface
  public interface Outbound {
    void changed(String jobId, boolean queued);
  }

  /** Wakes this node's readers of the job: its own commits, or another node's heard of. */
  public void published(String jobId) {
    Signal signal = watched.get(jobId);
    if (signal != null) {
      signal.fire();
    }
    Optional<String> job = Optional.of(jobId);
    listeners.forEach(l -> l.accept(job));
  }

  /**
   * Wakes every watcher and listener once: changes may have been missed (another node's, during an
   * outage).
   */
  public void publishedEverywhere() {
    watched.values().forEach(Signal::fire);
    listeners.forEach(l -> l.accept(Optional.empty()));
  }

  /** Runs the listener (briefly, on the publishing thread) after every commit that added events. */
  public void onAnyEvent(Runnable listener) {
    listeners.add(job -> listener.run());
  }

  /**
   * Tells the listener (briefly, on the publishing thread) which job has news, or {@code empty}
   * when any job may have (changes missed during an outage): for what this node keeps of a job.
   */
  public void onJobNews(Consumer<Optional<String>> listener) {
    listeners.add(listener);
  }

  /** Called by the store after its own commit that moved a job into a state. */
  void transitioned(Transition transition) {
    transitionListeners.forEach(l -> l.accept(transition));
  }

  /**
   * Tells the listener (briefly, on the committing thread) of every move of a job into a state that
   * this node committed.
   */
  public void onTransition(Consumer<Transition> listener) {
    transitionListeners.add(listener);
  }

  /** Starts watching one job; close the watch when done. */
  public Watch watch(String jobId) {
    Signal signal =
        watched.compute(
            jobId, (id, existing) -> existing == null ? new Signal() : existing.retain());
    return new Watch(jobId, signal);
  }

  /**
   * True once the node is stopping: watchers should finish (their clients resume elsewhere or
   * later).
   */
  public boolean isClosed() {
    return closed;
  }

  /** Wakes every watcher for the last time, so open streams end before the node stops. */
  @Override
  public void close() {
    closed = true;
    watched.values().forEach(Signal::fire);
  }

  /** How many jobs are being watched (for tests and metrics). */
  public int watchedJobs() {
    return watched.size();
  }

  /** A reader's subscription to one job's wake-ups. */
  public final class Watch implements AutoCloseable {
    private final String jobId;
    private final Signal signal;
    private long seen;

    private Watch(String jobId, Signal signal) {
      this.jobId = jobId;
      this.signal = signal;
      this.seen = signal.generation();
    }

    /**
     * Waits until something was published for the job since the last call, or the timeout passes.
     * Returns true when woken by a publish.
     */
    public boolean await(Duration timeout) throws InterruptedException {
      long now = signal.await(seen, timeout.toNanos());
      boolean woken = now != seen;
      seen = now;
      return woken;
    }

    @Override
    public void close() {
      watched.computeIfPresent(jobId, (id, s) -> s.release() ? null : s);
    }
  }

  private static final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;
    private int holders = 1;

    Signal retain() {
      holders++; // under the map's compute lock for this key
      return this;
    }

    /** True when the last holder left. */
    boolean release() {
      return --holders == 0;
    }

    long generation() {
      lock.lock();
      try {
        return generation;
      } finally {
        lock.unlock();
      }
    }

    void fire() {
      lock.lock();
      try {
        generation++;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    long await(long seen, long nanos) throws InterruptedException {
      lock.lock();
      try {
        long left = nanos;
        while (generation == seen && left > 0) {
          left = changed.awaitNanos(left);
        }
        return generation;
      } finally {
        lock.unlock();
      }
    }
  }
}
