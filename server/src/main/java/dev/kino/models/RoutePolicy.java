package dev.kino.models;

import java.time.Duration;

/**
 * How a model with several routes picks one for a job, and when a failing route is left alone.
 *
 * @param failures how many failures in a row of a route's own making open its circuit
 * @param cooldown how long an open circuit skips the route before one job probes it
 */
public record RoutePolicy(Kind kind, int failures, Duration cooldown) {
  public static final RoutePolicy DEFAULT =
      new RoutePolicy(Kind.FALLBACK, 3, Duration.ofSeconds(30));

  public enum Kind {
    /** The routes in order: the next takes the job when the one before cannot. */
    FALLBACK,
    /** Jobs shared out by the routes' weights (smooth weighted round robin). */
    WEIGHTED
  }
}
