package dev.kino.requests;

import dev.kino.models.Model;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a client asked to run: the model, the body as sent (the model's fields and Kino's webhook
 * fields), whose key asked, its {@code Idempotency-Key} if any, and the API base its links are
 * built on.
 */
public record Submission(
    Model model, JsonNode body, String owner, Optional<String> idempotencyKey, String baseUrl) {}
