package dev.kino.engines;

import java.time.Duration;

/** An engine's places to run jobs (its servers); see {@link Engine#slots()}. */
public interface Slots {

  /** How many jobs can run at once when every place is healthy. */
  int size();

  /** A free, healthy place, waiting up to {@code wait}; null if none came free. */
  Slot take(Duration wait) throws InterruptedException;

  /** One place, held by one worker for one job; closing gives it back. */
  interface Slot extends AutoCloseable {
    /** For logs and the job's metadata, e.g. the server's URL. */
    String name();

    /**
     * Whether a job of this model can run here (a server that has the model's node types and
     * files); a worker claims only such jobs with this slot.
     */
    default boolean runs(String modelId) {
      return true;
    }

    @Override
    void close();
  }

  /**
   * {@code n} interchangeable places: at most {@code n} jobs at once (an upstream account's
   * concurrency).
   */
  static Slots permits(int n) {
    return new Permits(n);
  }

  /** For engines without places: every worker may run a job. */
  Slot ANYWHERE =
      new Slot() {
        @Override
        public String name() {
          return "local";
        }

        @Override
        public void close() {}
      };
}
