package dev.kino.engines;

import java.time.Duration;
import java.util.Optional;

/**
 * A run failed for a reason the user should see: {@code code} is stable and machine-readable (for
 * example {@code url_forbidden} for an input URL), the message a sentence.
 */
public final class EngineException extends Exception {
  private final String code;
  private final boolean retryable;
  private final Duration later;

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
}
