package dev.kino.models;

/**
 * A model definition file cannot be used; the message names the file and the fault. Stops start-up.
 */
public final class ModelDefinitionException extends RuntimeException {
  public ModelDefinitionException(String message) {
    super(message);
  }

  public ModelDefinitionException(String message, Throwable cause) {
    super(message, cause);
  }
}
