package dev.kino.engines;

import java.time.Duration;
import java.util.List;

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

    /**
     * The names of the cluster-wide places this slot stands for (a ComfyUI server's room, a
     * provider account's tasks): in a cluster, the claim of a job also takes one of them, so
     * capacity is counted once for all nodes. Empty: nothing shared.
     */
    default List<String> places() {
      return List.of();
    }

    @Override
    void close();
  }

  /**
   * {@code n} interchangeable places: at most {@code n} jobs at once (an upstream account's
   * concurrency).
   */
  static Slots permits(int n) {
    return new Permits("", n);
  }

  /** As {@link #permits(int)}, shared by a cluster's nodes as the places {@code "name #i"}. */
  static Slots permits(String name, int n) {
    return new Permits(name, n);
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
