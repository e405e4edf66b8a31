package dev.kino.engines;

import java.nio.file.Path;
import tools.jackson.databind.node.ObjectNode;

/**
 * One run of one job.
 *
 * @param input the request as validated, with defaults applied
 * @param settings the model definition's engine settings
 * @param workDir an empty directory for this run's files, deleted afterwards
 */
public record EngineTask(String jobId, String modelId, ObjectNode input, ObjectNode settings, int attempt, Path workDir) {}
