package dev.kino.engines;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** {@link Slots} that are all alike: a count of jobs that may run at once. */
final class Permits implements Slots {
  private final int size;
  private final Semaphore free;
  private final List<String> places;

  /** {@code name}: the places in a cluster ({@code "name #0"}, ...); empty: not shared. */
  Permits(String name, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("at least one job must be able to run, got " + size);
    }
    this.size = size;
    this.free = new Semaphore(size);
    this.places =
        name.isEmpty()
            ? List.of()
            : IntStream.range(0, size).mapToObj(i -> name + " #" + i).toList();
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
      public List<String> places() {
        return places;
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
