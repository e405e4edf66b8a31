package dev.kino.client;

import java.util.Optional;

/**
 * Extras for a submit (Kino's additions to the seed API).
 *
 * @param webhookUrl where Kino calls back when the request ends
 * @param webhookOnStart call back when it starts too
 * @param idempotencyKey makes retrying the submit safe; the client makes one per submit when absent
 */
public record SubmitOptions(
    Optional<String> webhookUrl, boolean webhookOnStart, Optional<String> idempotencyKey) {
  public static SubmitOptions none() {
    return new SubmitOptions(Optional.empty(), false, Optional.empty());
  }

  public SubmitOptions withWebhook(String url, boolean onStart) {
    return new SubmitOptions(Optional.of(url), onStart, idempotencyKey);
  }

  public SubmitOptions withIdempotencyKey(String key) {
    return new SubmitOptions(webhookUrl, webhookOnStart, Optional.of(key));
  }
}
