package dev.kino.client;

import java.time.Duration;

/** Waiting for a request took longer than allowed; the request itself carries on. */
public class KinoTimeoutException extends KinoException {
  private static final long serialVersionUID = 1L;
  private final String requestId;

  public KinoTimeoutException(String requestId, Duration waited) {
    super(
        "request "
            + requestId
            + " did not finish within "
            + waited.toSeconds()
            + " s (it carries on; cancel it if need be)");
    this.requestId = requestId;
  }

  public String requestId() {
    return requestId;
  }
}
