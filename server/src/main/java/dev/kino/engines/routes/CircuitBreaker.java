package dev.kino.engines.routes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One route's circuit: closed while the route works; open for a cooldown after {@code threshold}
 * failures in a row of the route's own making (jobs skip it meanwhile); then half-open, when
 * exactly one job probes it: its success closes the circuit, its failure opens it for another
 * cooldown. Outcomes that say nothing of the route's health (a full route, the user's own fault, a
 * stopped run) leave it as it was. Per node: each node learns a route's health from its own jobs.
 */
final class CircuitBreaker {
  private final int threshold;
  private final Duration cooldown;
  private final Clock clock;
  private int failures;
  private Instant openUntil;
  private boolean probing;

  CircuitBreaker(int threshold, Duration cooldown, Clock clock) {
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.clock = clock;
  }

  /** How the circuit stands, for operators. */
  record State(String name, int failures, Optional<Instant> openUntil) {}

  /**
   * Whether a job may take the route now; true for the one probe of a half-open circuit, which must
   * then report its outcome.
   */
  synchronized Admission admit() {
    if (openUntil == null) {
      return Admission.CLOSED;
    }
    if (clock.instant().isBefore(openUntil) || probing) {
      return Admission.REFUSED;
    }
    probing = true;
    return Admission.PROBE;
  }

  enum Admission {
    CLOSED,
    PROBE,
    REFUSED
  }

  synchronized void succeeded() {
    failures = 0;
    openUntil = null;
    probing = false;
  }

  synchronized void failed() {
    failures++;
    if (probing || failures >= threshold) {
      openUntil = clock.instant().plus(cooldown);
    }
    probing = false;
  }

  /** The run said nothing of the route's health: a probe's place goes to the next job. */
  synchronized void neither() {
    probing = false;
  }

  /** When the open circuit lets a probe through; empty when it is closed. */
  synchronized Optional<Instant> reopensAt() {
    return Optional.ofNullable(openUntil);
  }

  synchronized State state() {
    String name;
    if (openUntil == null) {
      name = "closed";
    } else if (probing || !clock.instant().isBefore(openUntil)) {
      name = "half_open";
    } else {
      name = "open";
    }
    return new State(name, failures, Optional.ofNullable(openUntil));
  }
}
