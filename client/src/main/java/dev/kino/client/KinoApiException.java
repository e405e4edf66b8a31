package dev.kino.client;

import java.util.List;

/**
 * The server answered with an error: its HTTP status, its six-digit {@code error_code}, the stable
 * {@code reason} (e.g. {@code invalid_input}, {@code request_not_found}) and, for invalid input,
 * every field it refused.
 */
public class KinoApiException extends KinoException {
  private static final long serialVersionUID = 1L;
  private final int httpStatus;
  private final int errorCode;
  private final String reason;
  private final List<FieldError> fieldErrors;

  public KinoApiException(
      int httpStatus, int errorCode, String reason, String message, List<FieldError> fieldErrors) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.reason = reason;
    this.fieldErrors = List.copyOf(fieldErrors);
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The seed API's six-digit code: the HTTP status and a serial, e.g. 422001. */
  public int errorCode() {
    return errorCode;
  }

  public String reason() {
    return reason;
  }

  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }

  /** True when the request itself was wrong (400 or 422): fix the input, do not retry it as is. */
  public boolean isInvalidInput() {
    return httpStatus == 400 || httpStatus == 422;
  }

  public boolean isNotFound() {
    return httpStatus == 404;
  }

  public boolean isUnauthorized() {
    return httpStatus == 401;
  }
}
