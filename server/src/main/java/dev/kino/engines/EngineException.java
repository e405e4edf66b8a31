package dev.kino.engines;

/**
 * A run failed for a reason the user should see: {@code code} is stable and machine-readable (for example
 * {@code url_forbidden} for an input URL), the message a sentence.
 */
public final class EngineException extends Exception {
  private final String code;

  public EngineException(String code, String message) {
    super(message);
    this.code = code;
  }

  public EngineException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
