package dev.kino.engines;

import tools.jackson.databind.node.ObjectNode;

/**
 * Where an engine tells its job's watchers how it is doing. Both calls are cheap (they only
 * remember the latest figure or queue the line); the worker's heartbeat stores them and clients see
 * them in status and the events stream.
 */
public interface Reporter {

  /** How far the run got, 0..1; cheap enough to call on every frame. */
  void progress(double fraction);

  /**
   * One human-readable line about the run (what it is doing, what it decided); long lines are cut.
   */
  void log(String message);

  /**
   * Records the engine's state for this job durably before the engine acts on it (e.g. the prompt
   * id it is about to submit), so a later attempt finds it in {@link EngineTask#state()}. Throws
   * when the job's lease was lost: the run must stop.
   */
  default void checkpoint(ObjectNode state) throws InterruptedException {}

  /**
   * Binds the job to one of its model's routes, durably, before the engine calls it: a later
   * attempt, status and result then name that route, whatever the definitions say by then. Moving
   * to another route drops what the one before checkpointed. Throws when the job's lease was lost.
   */
  default void route(String name) throws InterruptedException {}

  /**
   * In a cluster, takes one of {@code places} (a route's share of an engine's capacity counted for
   * every node, {@link Slots.Slot#places()}) for the job, giving back any it held; false when all
   * are held by other jobs. Alone on its database a node counts its own: always true.
   */
  default boolean holdPlace(java.util.List<String> places) throws InterruptedException {
    return true;
  }

  /**
   * The engine could not stop the run a client asked to cancel (an upstream provider had started
   * it): the job carries on, and the client's cancel answers {@code not_cancellable}.
   */
  default void cancelRefused(String why) {}

  /** A reporter that drops everything (tools and tests). */
  static Reporter ignoring() {
    return new Reporter() {
      @Override
      public void progress(double fraction) {}

      @Override
      public void log(String message) {}
    };
  }
}
