package dev.kino.api;

import dev.kino.jobs.LimitReached;
import dev.kino.models.FieldProblem;
import dev.kino.requests.IdempotencyConflict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request the API refuses, with everything the error body needs: the HTTP status, the seed
 * platform's six-digit {@code error_code}, a stable {@code reason} and a sentence. Handlers throw
 * it; one mapper writes it.
 */
final class ApiException extends RuntimeException {
  final int status;
  final int errorCode;
  final String reason;
  final List<FieldProblem> problems;

  /** How many problems there were; more than {@link #problems} lists when the rest were cut. */
  final int problemsTotal;

  /** More facts for {@code detail}, e.g. which limit refused and its value. */
  final Map<String, Object> facts = new LinkedHashMap<>();

  ApiException(
      int status, int errorCode, String reason, String message, List<FieldProblem> problems) {
    this(status, errorCode, reason, message, problems, problems.size());
  }

  private ApiException(
      int status,
      int errorCode,
      String reason,
      String message,
      List<FieldProblem> problems,
      int problemsTotal) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.reason = reason;
    this.problems = List.copyOf(problems);
    this.problemsTotal = problemsTotal;
  }

  ApiException(int status, int errorCode, String reason, String message) {
    this(status, errorCode, reason, message, List.of());
  }

  /** This refusal with one more fact in its {@code detail}. */
  ApiException with(String name, Object value) {
    facts.put(name, value);
    return this;
  }

  /**
   * A key's limit refused a submit (429, which the seed's clients retry): which limit, its value.
   */
  static ApiException limitReached(LimitReached e) {
    return new ApiException(429, 429001, "limit_reached", e.getMessage())
        .with("limit", e.limit())
        .with("value", e.value());
  }

  static ApiException badIdentifier(String what, String value) {
    return new ApiException(
        400, 400001, "invalid_resource_identifier", "\"" + value + "\" is not a valid " + what);
  }

  static ApiException malformedJson(String detail) {
    return new ApiException(
        400, 400003, "malformed_json", "the request body is not valid JSON: " + detail);
  }

  static ApiException unauthorized(String message) {
    return new ApiException(401, 401001, "unauthorized", message);
  }

  /** The seed's 403001 permission denied, with a reason of its own. */
  static ApiException forbidden(String reason, String message) {
    return new ApiException(403, 403001, reason, message);
  }

  static ApiException notFound(String reason, String message) {
    return new ApiException(404, 404001, reason, message);
  }

  static ApiException invalidInput(List<FieldProblem> problems) {
    return invalidInput(problems, problems.size());
  }

  /** {@code total} problems, of which {@code problems} are the first (the rest only counted). */
  static ApiException invalidInput(List<FieldProblem> problems, int total) {
    String message =
        total == 1
            ? "invalid input: " + describe(problems.getFirst())
            : total + " invalid fields, first: " + describe(problems.getFirst());
    return new ApiException(422, 422001, "invalid_input", message, problems, total);
  }

  /** A key reused with another body (422), or a first use still underway (409). */
  static ApiException idempotencyConflict(IdempotencyConflict e) {
    return e.requestId().isPresent()
        ? new ApiException(
            422,
            422003,
            "idempotency_key_reused",
            e.getMessage(),
            List.of(
                new FieldProblem(
                    "Idempotency-Key", "reused", "already used with a different body")))
        : new ApiException(409, 409002, "idempotency_in_progress", e.getMessage());
  }

  private static String describe(FieldProblem p) {
    return (p.path().isEmpty() ? "body" : p.path()) + " " + p.message();
  }
}
