package dev.kino.jobs;

/** What a cancel request did; the wire words are the seed API's. */
public enum CancelOutcome {
  CANCELLED("cancelled"),
  NOT_CANCELLABLE("not_cancellable");

  private final String wire;

  CancelOutcome(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
