package dev.kino.engines;

import dev.kino.models.InputRule;
import dev.kino.models.ModelDefinition;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one job of a model: reads the validated input and the model's engine settings, writes output
 * files into the task's work directory and says which output field each fills. Engines do not know
 * about the queue or storage: the worker stores the files and records the result under its lease.
 *
 * <p>An engine must stop promptly when its thread is interrupted (the job's lease was lost, or the
 * node is shutting down) by throwing {@link InterruptedException}. A loop of its own asks {@link
 * EngineTask#checkStop} as it goes, which also sees a stop whose interrupt a library swallowed.
 */
public interface Engine {

  EngineResult run(EngineTask task, Reporter progress) throws EngineException, InterruptedException;

  /**
   * Where this engine's jobs can run, when that is limited (a pool of servers, one job each): a
   * worker takes a slot before it claims a job, so jobs wait in Kino's queue rather than on a busy
   * server. Empty: any worker.
   */
  default Optional<Slots> slots() {
    return Optional.empty();
  }

  /**
   * True when a running job can be stopped on a client's request: the worker interrupts {@link
   * #run} with {@link EngineTask#cancelRequested()} true. Otherwise only queued jobs can be
   * cancelled (the seed API's rule).
   */
  default boolean cancelsRunningJobs() {
    return false;
  }

  /**
   * Why none of this engine's places can run the model now (no ComfyUI server has its node types or
   * files): its jobs wait in the queue meanwhile. Empty: it can run.
   */
  default Optional<String> unavailable(ModelDefinition model) {
    return Optional.empty();
  }

  /**
   * How this engine's ways of running the model stand, for operators (a model with several routes:
   * each route's circuit); empty when there is nothing to say.
   */
  default Optional<ObjectNode> health(ModelDefinition model) {
    return Optional.empty();
  }

  /**
   * What this engine cannot take of a model's input although the model's schema allows it (a
   * provider's lower limit), checked at submit. Empty: everything the schema accepts.
   */
  default Optional<InputRule> inputRule(ModelDefinition model) {
    return Optional.empty();
  }
}
