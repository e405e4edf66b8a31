package dev.kino.client;

/** The server could not be reached, or kept answering 429/503, after every retry. */
public class KinoConnectionException extends KinoException {
  private static final long serialVersionUID = 1L;

  public KinoConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
