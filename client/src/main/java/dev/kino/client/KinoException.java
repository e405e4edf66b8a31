package dev.kino.client;

/**
 * Anything that went wrong talking to Kino or with the request itself. Unchecked, like the JDK's
 * HTTP errors wrapped.
 */
public class KinoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KinoException(String message) {
    super(message);
  }

  public KinoException(String message, Throwable cause) {
    super(message, cause);
  }
}
