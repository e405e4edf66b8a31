package dev.kino.engines;

import java.util.Set;

/**
 * The one set of codes every engine reads its provider's failures into, whatever the provider calls
 * them (the provider's own code and message go in the error's {@code detail}). They decide what
 * happens next: a route's own failures move a job to the model's next route and count against the
 * route's circuit; the user's never do.
 */
public final class Failures {
  /** The provider's moderation refused the prompt or an input. */
  public static final String CONTENT_REFUSED = "content_refused";

  /** The provider found the input invalid (the error names the field when it says which). */
  public static final String INVALID_INPUT = "invalid_input";

  /** The provider is at its rate or concurrency limit: nothing was started. */
  public static final String BUSY = "provider_busy";

  /** The provider cannot be reached, or answers with its own outage (5xx). */
  public static final String UNAVAILABLE = "provider_unavailable";

  /** The account is out of credit or quota. */
  public static final String QUOTA = "provider_quota";

  /** The provider refused the account's key. */
  public static final String AUTH = "provider_auth";

  /** The provider failed the task for its own reasons (or refused it, not for the input). */
  public static final String FAILED = "provider_failed";

  /** The task took longer than the route allows, or the provider timed out. */
  public static final String TIMEOUT = "timeout";

  /** The codes with which the next route takes the job: everything but the user's own faults. */
  private static final Set<String> ROUTE_FAULTS =
      Set.of(BUSY, UNAVAILABLE, QUOTA, AUTH, FAILED, TIMEOUT);

  /** Of those, the ones that say the route is unhealthy (busy is only full). */
  private static final Set<String> ROUTE_FAILURES =
      Set.of(UNAVAILABLE, QUOTA, AUTH, FAILED, TIMEOUT);

  private Failures() {}

  /** Whether {@code code} is one of these. */
  public static boolean isKnown(String code) {
    return ROUTE_FAULTS.contains(code)
        || code.equals(CONTENT_REFUSED)
        || code.equals(INVALID_INPUT);
  }

  /** Whether the model's next route should take a job that failed with {@code code}. */
  public static boolean failsOver(String code) {
    return ROUTE_FAULTS.contains(code);
  }

  /** Whether {@code code} counts against the route's circuit breaker. */
  public static boolean isRouteFailure(String code) {
    return ROUTE_FAILURES.contains(code);
  }
}
