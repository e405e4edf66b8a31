package dev.kino.workers;

/**
 * Tells idle workers that a job may be waiting, so a submit starts at once instead of at the next poll. Only a
 * hint: workers also poll, which is what guarantees progress.
 */
public final class Wakeup {
  private long generation;

  public synchronized void signal() {
    generation++;
    notifyAll();
  }

  /** Waits until a signal newer than {@code seen} or the timeout; returns the generation to wait past next. */
  synchronized long await(long seen, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (generation == seen) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return generation;
  }

  synchronized long current() {
    return generation;
  }
}
