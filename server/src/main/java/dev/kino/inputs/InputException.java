package dev.kino.inputs;

/**
 * An input URL could not be used. {@code code} is a stable reason ({@code url_forbidden}, {@code
 * too_large}, {@code unsupported_format}, {@code fetch_timeout}, {@code fetch_failed}, {@code
 * invalid_url}); {@code field} is the request field path it came from.
 */
public final class InputException extends Exception {
  private final String code;
  private final String field;
  private final String url;

  public InputException(String code, String field, String url, String message) {
    super(message);
    this.code = code;
    this.field = field;
    this.url = url;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }

  public String url() {
    return url;
  }
}
