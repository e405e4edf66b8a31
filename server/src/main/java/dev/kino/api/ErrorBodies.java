package dev.kino.api;

import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one error shape, compatible with the seed platform's: {@code error_code} (six digits: the
 * HTTP status and a serial), {@code error_message}, and {@code detail} with a stable {@code reason}
 * and, for invalid input, every offending field with its own message.
 */
final class ErrorBodies {
  private ErrorBodies() {}

  static void write(Context ctx, ApiException e) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("error_code", e.errorCode);
    body.put("error_message", e.getMessage());
    ObjectNode detail = body.putObject("detail");
    detail.put("reason", e.reason);
    e.facts.forEach((name, value) -> detail.set(name, JsonMapper.shared().valueToTree(value)));
    if (!e.problems.isEmpty()) {
      ArrayNode errors = detail.putArray("errors");
      for (FieldProblem p : e.problems) {
        ObjectNode error = errors.addObject();
        error.put("path", p.path());
        error.put("code", p.code());
        error.put("message", p.message());
      }
      if (e.problemsTotal > e.problems.size()) {
        detail.put("errors_total", e.problemsTotal); // the list holds the first ones only
      }
    }
    if (e.status == 401) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    Responses.json(ctx, e.status, body);
  }
}
