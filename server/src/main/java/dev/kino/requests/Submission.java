package dev.kino.requests;

import dev.kino.jobs.SubmitLimits;
import dev.kino.models.Model;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a client asked to run: the model, the body as sent (the model's fields and Kino's webhook
 * fields), whose key asked and the limits it submits under, its {@code Idempotency-Key} if any, and
 * the API base its links are built on.
 */
public record Submission(
    Model model,
    JsonNode body,
    String owner,
    SubmitLimits limits,
    Optional<String> idempotencyKey,
    String baseUrl) {}
