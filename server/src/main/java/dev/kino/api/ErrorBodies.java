package dev.kino.api;

import dev.kino.dialects.fal.FalQueue;
import dev.kino.dialects.openai.OpenAiVideos;
import dev.kino.dialects.replicate.Predictions;
import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import java.util.List;
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
    if (e.status == 401) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    if (ctx.path().startsWith(OpenAiRoutes.PREFIX)) {
      // OpenAI's shape for its dialect: 400 for a parameter (its clients know no 422), named.
      int status = e.status == 422 ? 400 : e.status;
      String param = e.problems.isEmpty() ? null : OpenAiVideos.param(e.problems.getFirst().path());
      Responses.json(ctx, status, OpenAiVideos.error(status, e.reason, e.getMessage(), param));
      return;
    }
    if (ctx.path().startsWith(FalRoutes.PREFIX)) {
      Responses.json(
          ctx,
          e.status,
          e.status == 422
              ? FalQueue.validation(FalRoutes.problems(e))
              : FalQueue.error(e.getMessage()));
      return;
    }
    if (ctx.path().startsWith(ReplicateRoutes.PREFIX)) {
      List<String[]> fields =
          e.problems.stream().map(p -> new String[] {p.code(), p.path(), p.message()}).toList();
      Responses.json(ctx, e.status, Predictions.error(e.status, e.reason, e.getMessage(), fields));
      return;
    }
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
    Responses.json(ctx, e.status, body);
  }
}
