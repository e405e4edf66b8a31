package dev.kino.requests;

import java.util.Optional;

/**
 * A submit whose {@code Idempotency-Key} cannot be honoured: the key made another request with a
 * different body ({@code requestId} present), or a request with it is still being accepted.
 */
public final class IdempotencyConflict extends RuntimeException {
  private final Optional<String> requestId;

  private IdempotencyConflict(String message, Optional<String> requestId) {
    super(message);
    this.requestId = requestId;
  }

  static IdempotencyConflict reused(String requestId) {
    return new IdempotencyConflict(
        "the Idempotency-Key was used for request "
            + requestId
            + " with a different body; use a new key for a new request",
        Optional.of(requestId));
  }

  static IdempotencyConflict inProgress() {
    return new IdempotencyConflict(
        "a request with this Idempotency-Key is still being accepted; retry in a moment to get its"
            + " answer",
        Optional.empty());
  }

  /** The request the key made with another body; empty while the key's first use is underway. */
  public Optional<String> requestId() {
    return requestId;
  }
}
