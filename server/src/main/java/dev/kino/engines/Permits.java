package dev.kino.engines;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** {@link Slots} that are all alike: a count of jobs that may run at once. */
final class Permits implements Slots {
  private final int size;
  private final Semaphore free;

  Permits(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("at least one job must be able to run, got " + size);
    }
    this.size = size;
    this.free = new Semaphore(size);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Slot take(Duration wait) throws InterruptedException {
    if (!free.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
      return null;
    }
    return new Slot() {
      private boolean closed;

      @Override
      public String name() {
        return "permit";
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          free.release();
        }
      }
    };
  }
}
