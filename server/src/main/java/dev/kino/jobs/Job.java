package dev.kino.jobs;

import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job as stored. {@code input} has the model's defaults applied; {@code output} holds storage
 * keys (not URLs: URLs are signed when a response is built). {@code baseUrl} is the API base the
 * client used at submit (empty when unknown). {@code engineState} is what the engine recorded
 * before starting its run (e.g. a ComfyUI prompt id), kept across attempts; {@code route} the route
 * of its model that took it (see {@code JobQueue.bindRoute}).
 */
public record Job(
    String id,
    long seq,
    String owner,
    String modelId,
    ObjectNode input,
    JobState state,
    int attempt,
    int maxAttempts,
    Optional<Double> progress,
    Optional<ObjectNode> output,
    Optional<JobError> error,
    Optional<ObjectNode> metadata,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<Callback> callback,
    String baseUrl,
    Optional<Instant> outputsDeletedAt,
    Optional<ObjectNode> engineState,
    boolean cancelRequested,
    Optional<String> route) {}
