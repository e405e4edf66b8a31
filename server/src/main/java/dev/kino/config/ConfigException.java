package dev.kino.config;

/** A setting is missing or wrong; the message names the flag or variable and what is expected. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
