package dev.kino.client;

/** A request that was being waited for ended {@code cancelled}. */
public class RequestCancelledException extends KinoException {
  private static final long serialVersionUID = 1L;
  private final String requestId;

  public RequestCancelledException(String requestId) {
    super("request " + requestId + " was cancelled");
    this.requestId = requestId;
  }

  public String requestId() {
    return requestId;
  }
}
