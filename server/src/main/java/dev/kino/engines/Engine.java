package dev.kino.engines;

/**
 * Runs one job of a model: reads the validated input and the model's engine settings, writes output files into
 * the task's work directory and says which output field each fills. Engines do not know about the queue or
 * storage: the worker stores the files and records the result under its lease.
 *
 * <p>An engine must stop promptly when its thread is interrupted (the job's lease was lost, or the node is
 * shutting down) by throwing {@link InterruptedException}.
 */
public interface Engine {

  EngineResult run(EngineTask task, Reporter progress) throws EngineException, InterruptedException;
}
