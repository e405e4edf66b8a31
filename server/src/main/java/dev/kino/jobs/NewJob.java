package dev.kino.jobs;

import tools.jackson.databind.node.ObjectNode;

/** A validated request about to be queued. */
public record NewJob(String owner, String modelId, ObjectNode input, int maxAttempts) {}
