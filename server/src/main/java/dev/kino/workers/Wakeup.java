package dev.kino.workers;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells idle workers that a job may be waiting, so a submit starts at once instead of at the next
 * poll. Only a hint: workers also poll, which is what guarantees progress.
 *
 * <p>One signal is one job: it wakes one idle worker of each pool (a {@link Lane}), not all of
 * them, so a node with many workers (or a cluster of them) does not answer every submit with a read
 * per worker. A worker that was busy when a signal came (between its last claim and its next wait)
 * sees that it missed one and looks again at once. Many jobs at once (the reaper put several back)
 * wake everyone.
 */
public final class Wakeup {
  private final List<Lane> lanes = new CopyOnWriteArrayList<>();

  /** One job may be waiting: one more idle worker of each pool looks. */
  public void signal() {
    lanes.forEach(Lane::release);
  }

  /** Any number of jobs may be waiting: every idle worker looks. */
  public void signalAll() {
    lanes.forEach(Lane::releaseAll);
  }

  /** The wake-ups of one pool's workers. */
  Lane lane() {
    Lane lane = new Lane();
    lanes.add(lane);
    return lane;
  }

  static final class Lane {
    private long generation;
    private int waiting;
    private int tickets;

    synchronized void release() {
      generation++;
      if (tickets < waiting) {
        tickets++;
        notify();
      }
    }

    synchronized void releaseAll() {
      generation++;
      tickets = waiting;
      notifyAll();
    }

    /** Wake-ups handed out and not yet taken by a waiting worker (tests). */
    synchronized int ticketsForTest() {
      return tickets;
    }

    /** How many workers wait on this lane now (tests). */
    synchronized int waitingForTest() {
      return waiting;
    }

    synchronized long current() {
      return generation;
    }

    /**
     * Waits for a ticket or the timeout, unless a signal came since {@code seen} while this worker
     * was not waiting; returns the generation to wait past next.
     */
    synchronized long await(long seen, long timeoutMillis) throws InterruptedException {
      if (generation != seen) {
        return generation;
      }
      // nanoTime, not the wall clock: a clock set back while a worker waits must not stall it.
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      waiting++;
      try {
        while (tickets == 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return generation;
          }
          wait(Math.max(1, left / 1_000_000));
        }
        tickets--;
        return generation;
      } finally {
        waiting--;
        tickets = Math.min(tickets, waiting);
      }
    }
  }
}
