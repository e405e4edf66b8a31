package dev.kino.client;

/**
 * A request ended {@code failed}; {@link #code()} is the job's error code (e.g. {@code
 * fetch_failed}).
 */
public class RequestFailedException extends KinoException {
  private static final long serialVersionUID = 1L;
  private final transient RequestResult result;

  public RequestFailedException(RequestResult result) {
    super(
        "request "
            + result.requestId()
            + " failed: "
            + result.errorCode().orElse("unknown")
            + ": "
            + result.errorMessage().orElse(""));
    this.result = result;
  }

  public String requestId() {
    return result.requestId();
  }

  public String code() {
    return result.errorCode().orElse("unknown");
  }

  public RequestResult result() {
    return result;
  }
}
