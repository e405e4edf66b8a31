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
    BooleanSupplier cancelRequested) {

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
        () -> false);
  }
}
