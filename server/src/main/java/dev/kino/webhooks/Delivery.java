package dev.kino.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One webhook message and how its delivery went. {@code id} is the {@code webhook-id} header, the
 * same on every attempt, so receivers can drop duplicates.
 *
 * @param state {@code pending} (an attempt is due at {@code nextAttemptAt}), {@code delivered} or
 *     {@code failed}
 */
public record Delivery(
    String id,
    String jobId,
    String owner,
    String url,
    String type,
    String payload,
    String state,
    int attempts,
    Optional<Instant> nextAttemptAt,
    Instant createdAt,
    Optional<Instant> finishedAt,
    List<Attempt> history) {

  /** One try: the HTTP status the receiver answered, or why there was none. */
  public record Attempt(
      int number,
      Instant startedAt,
      Optional<Integer> statusCode,
      Optional<String> error,
      long durationMillis) {}
}
