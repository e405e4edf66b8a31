package dev.kino.jobs;

import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * A validated request about to be queued.
 *
 * @param id chosen by the caller, so an idempotency record can name the job before it exists
 * @param baseUrl the API base the client used; links in webhook payloads are built on it
 */
public record NewJob(
    String id,
    String owner,
    String modelId,
    ObjectNode input,
    int maxAttempts,
    Optional<Callback> callback,
    String baseUrl) {

  /** A job with a fresh id, no webhook and no base URL (tests and tools). */
  public static NewJob of(String owner, String modelId, ObjectNode input, int maxAttempts) {
    return new NewJob(
        java.util.UUID.randomUUID().toString(),
        owner,
        modelId,
        input,
        maxAttempts,
        Optional.empty(),
        "");
  }
}
