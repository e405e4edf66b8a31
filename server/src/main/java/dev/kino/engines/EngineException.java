package dev.kino.engines;

/**
 * A run failed for a reason the user should see: {@code code} is stable and machine-readable (for example
 * {@code url_forbidden} for an input URL), the message a sentence.
 */
public final class EngineException extends Exception {
  private final String code;
  private final boolean retryable;

  public EngineException(String code, String message) {
    this(code, message, null, false);
  }

  public EngineException(String code, String message, Throwable cause) {
    this(code, message, cause, false);
  }

  private EngineException(String code, String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
  }

  /**
   * A failure of where the job ran, not of the job (its server died): the job goes back to the queue for
   * another attempt, and fails with this error only when it was the last.
   */
  public static EngineException retryable(String code, String message, Throwable cause) {
    return new EngineException(code, message, cause, true);
  }

  public boolean isRetryable() {
    return retryable;
  }

  public String code() {
    return code;
  }
}
