package dev.kino.engines;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * One run of one job.
 *
 * @param input the request as validated, with defaults applied
 * @param settings the model definition's engine settings
 * @param workDir an empty directory for this run's files, deleted afterwards
 * @param state what an earlier attempt recorded with {@link Reporter#checkpoint} (e.g. a prompt it
 *     started)
 * @param slot where the run happens (a server of the engine's pool), {@link Slots#ANYWHERE}
 *     otherwise
 * @param cancelRequested true once a client asked to stop this running job (see {@link
 *     Engine#cancelsRunningJobs})
 * @param stopRequested true once the run must end now: its node is stopping or its lease was lost.
 *     The worker is interrupted then too, but a library may swallow an interrupt (the JDK's
 *     TrueType reader clears it when it reopens a font file, as the sandbox's first caption makes
 *     it do), so an engine's own loop asks {@link #checkStop} as well
 * @param route the model's route this run is on (the job's bound route, for a model with several,
 *     until the routes' engine picks one)
 * @param failover true when another route can take the job if this one cannot: an engine then gives
 *     up at once on what plainly cannot take the job now (a provider refusing connections) instead
 *     of waiting it out
 */
public record EngineTask(
    String jobId,
    String modelId,
    ObjectNode input,
    ObjectNode settings,
    int attempt,
    Path workDir,
    Optional<ObjectNode> state,
    Slots.Slot slot,
    BooleanSupplier cancelRequested,
    BooleanSupplier stopRequested,
    Optional<String> route,
    boolean failover) {

  /** Ends the run here (as an interrupt) when its thread was interrupted or it must stop. */
  public void checkStop(String where) throws InterruptedException {
    if (Thread.interrupted() || stopRequested.getAsBoolean()) {
      throw new InterruptedException("stopped " + where);
    }
  }

  /**
   * This task on one route: the route's engine settings, its state (what that route's engine
   * recorded, or none), where it runs, and whether another route could take over.
   */
  public EngineTask onRoute(
      String name,
      ObjectNode routeSettings,
      Optional<ObjectNode> routeState,
      Slots.Slot routeSlot,
      boolean others) {
    return new EngineTask(
        jobId,
        modelId,
        input,
        routeSettings,
        attempt,
        workDir,
        routeState,
        routeSlot,
        cancelRequested,
        stopRequested,
        Optional.of(name),
        others);
  }

  /** A task with no earlier state, run anywhere, never cancelled (tools and tests). */
  public static EngineTask simple(
      String jobId,
      String modelId,
      ObjectNode input,
      ObjectNode settings,
      int attempt,
      Path workDir) {
    return new EngineTask(
        jobId,
        modelId,
        input,
        settings,
        attempt,
        workDir,
        Optional.empty(),
        Slots.ANYWHERE,
        () -> false,
        () -> false,
        Optional.empty(),
        false);
  }
}
