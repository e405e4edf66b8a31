package dev.kino.client;

/** The seed API's request states. */
public enum RequestState {
  IN_QUEUE("in_queue"),
  IN_PROGRESS("in_progress"),
  COMPLETED("completed"),
  FAILED("failed"),
  CANCELLED("cancelled");

  private final String wire;

  RequestState(String wire) {
    this.wire = wire;
  }

  /** The word the API uses. */
  public String wire() {
    return wire;
  }

  /** Completed, failed or cancelled: nothing more will happen. */
  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  public static RequestState fromWire(String word) {
    for (RequestState s : values()) {
      if (s.wire.equals(word)) {
        return s;
      }
    }
    throw new KinoException("unknown request status \"" + word + "\" from the server");
  }
}
