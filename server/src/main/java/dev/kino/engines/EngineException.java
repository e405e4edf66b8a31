package dev.kino.engines;

import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * A run failed for a reason the user should see: {@code code} is stable and machine-readable (for
 * example {@code url_forbidden} for an input URL; a provider's failures use {@link Failures}), the
 * message a sentence.
 */
public final class EngineException extends Exception {
  private final String code;
  private final boolean retryable;
  private final Duration later;
  private transient ObjectNode detail;

  public EngineException(String code, String message) {
    this(code, message, null, false, null);
  }

  public EngineException(String code, String message, Throwable cause) {
    this(code, message, cause, false, null);
  }

  private EngineException(
      String code, String message, Throwable cause, boolean retryable, Duration later) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
    this.later = later;
  }

  /**
   * A failure of where the job ran, not of the job (its server died): the job goes back to the
   * queue for another attempt, and fails with this error only when it was the last.
   */
  public static EngineException retryable(String code, String message, Throwable cause) {
    return new EngineException(code, message, cause, true, null);
  }

  /**
   * Nothing failed, but the job cannot start now (its provider is at the account's limit): it goes
   * back to the queue, not before {@code after}, without using up an attempt.
   */
  public static EngineException later(String code, String message, Duration after) {
    return new EngineException(code, message, null, false, after);
  }

  /** When the job may run again, for {@link #later}; empty otherwise. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(later);
  }

  public boolean isRetryable() {
    return retryable;
  }

  public String code() {
    return code;
  }

  /**
   * This failure with what the provider said ({@code provider}, {@code status}, {@code code},
   * {@code message}; {@code field} for invalid input), kept in the job's error.
   */
  public EngineException withDetail(ObjectNode providerSaid) {
    this.detail = providerSaid;
    return this;
  }

  /** What the provider said, when the failure is a provider's. */
  public Optional<ObjectNode> detail() {
    return Optional.ofNullable(detail);
  }
}
