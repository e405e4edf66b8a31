package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for the Gemini API's Veo endpoints (generativelanguage.googleapis.com/v1beta), which
 * cannot be reached from tests, after its video generation guide and REST reference: {@code
 * x-goog-api-key} (a wrong one is Google's 400 with {@code API_KEY_INVALID}); {@code POST
 * /v1beta/models/{model}:predictLongRunning} with {@code instances} and {@code parameters},
 * answered with the operation's {@code name}; {@code GET /v1beta/{name}} the operation, {@code
 * done: false} with {@code metadata.progressPercent}, then {@code done: true} with {@code
 * response.generateVideoResponse.generatedSamples[0].video.uri} (a file URI served only with the
 * key), the count and reasons of samples removed by its safety filters, or {@code error}; {@code
 * GET /v1beta/models} the list of models (what Kino calls at start-up to check a key). Errors are
 * {@code {"error": {code, message, status, details}}}; 429 is RESOURCE_EXHAUSTED with a {@code
 * RetryInfo}.
 */
public final class FakeVeo extends FakeProvider {
  private final String key;

  public FakeVeo(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.get("/v1beta/models", this::list);
    config.routes.post("/v1beta/models/<rest>", this::create);
    config.routes.get("/v1beta/models/<rest>", this::operation);
    config.routes.get("/v1beta/files/<rest>", this::file);
  }

  private void list(Context ctx) {
    recordKeyCheck(ctx);
    if (authenticated(ctx)) {
      ObjectNode body = JSON.createObjectNode();
      body.putArray("models").addObject().put("name", "models/veo-3.1-generate-preview");
      json(ctx, 200, body);
    }
  }

  private void create(Context ctx) {
    var body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    String rest = ctx.pathParam("rest");
    if (!rest.endsWith(":predictLongRunning")) {
      error(ctx, 404, "NOT_FOUND", "no such method");
      return;
    }
    if (!body.path("instances").path(0).path("prompt").isString()) {
      error(ctx, 400, "INVALID_ARGUMENT", "instances[0].prompt is required");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      ObjectNode answer =
          errorBody(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
      ((ArrayNode) answer.path("error").path("details"))
          .addObject()
          .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
          .put("retryDelay", "1s");
      json(ctx, 429, answer);
      return;
    }
    String model = rest.substring(0, rest.length() - ":predictLongRunning".length());
    Task task =
        newTask(model + "/operations/" + UUID.randomUUID().toString().replace("-", ""), body);
    json(ctx, 200, JSON.createObjectNode().put("name", "models/" + task.id));
  }

  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      ObjectNode answer =
          errorBody(
              400, "INVALID_ARGUMENT", "The number value for `durationSeconds` is out of bound.");
      ((ArrayNode) answer.path("error").path("details"))
          .addObject()
          .put("@type", "type.googleapis.com/google.rpc.BadRequest")
          .putArray("fieldViolations")
          .addObject()
          .put("field", "parameters.durationSeconds")
          .put("description", "must be 4, 6 or 8");
      json(ctx, 400, answer);
    } else if (refusingAs("provider_quota")) {
      error(
          ctx,
          400,
          "FAILED_PRECONDITION",
          "Veo is only available to projects with billing enabled.");
    } else if (refusingAs("provider_auth")) {
      keyRefused(ctx);
    } else if (refusingAs("provider_unavailable")) {
      error(ctx, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
    } else {
      return false;
    }
    return true;
  }

  private void operation(Context ctx) {
    record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    Task task = tasks.get(ctx.pathParam("rest"));
    if (task == null) {
      error(ctx, 404, "NOT_FOUND", "Operation not found");
      return;
    }
    ObjectNode operation = JSON.createObjectNode().put("name", "models/" + task.id);
    if (!task.finished()) {
      operation.put("done", false);
      operation
          .putObject("metadata")
          .put("progressPercent", task.queued() ? 0 : (int) Math.round(task.progress() * 100));
      json(ctx, 200, operation);
      return;
    }
    operation.put("done", true);
    if (task.failure != null && task.failureCode.equals("content_refused")) {
      ObjectNode response =
          operation
              .putObject("response")
              .put(
                  "@type",
                  "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse");
      ObjectNode generated = response.putObject("generateVideoResponse");
      generated.put("raiMediaFilteredCount", 1);
      generated
          .putArray("raiMediaFilteredReasons")
          .add("The prompt could not be submitted: it may violate our policies.");
    } else if (task.failure != null) {
      operation
          .putObject("error")
          .put("code", 13)
          .put("message", task.failure)
          .put("status", "INTERNAL");
    } else {
      operation
          .putObject("response")
          .putObject("generateVideoResponse")
          .putArray("generatedSamples")
          .addObject()
          .putObject("video")
          .put("uri", url() + "/v1beta/files/" + task.id.replace('/', '-') + ":download?alt=media");
    }
    json(ctx, 200, operation);
  }

  private void file(Context ctx) {
    record(ctx);
    if (authenticated(ctx)) {
      ctx.contentType("video/mp4").result(VIDEO);
    }
  }

  private boolean authenticated(Context ctx) {
    if (key.equals(ctx.header("x-goog-api-key"))) {
      return true;
    }
    keyRefused(ctx);
    return false;
  }

  private static void keyRefused(Context ctx) {
    ObjectNode answer =
        errorBody(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
    ((ArrayNode) answer.path("error").path("details"))
        .addObject()
        .put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
        .put("reason", "API_KEY_INVALID")
        .put("domain", "googleapis.com");
    json(ctx, 400, answer);
  }

  private static ObjectNode errorBody(int code, String status, String message) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error =
        body.putObject("error").put("code", code).put("message", message).put("status", status);
    error.putArray("details");
    return body;
  }

  private static void error(Context ctx, int code, String status, String message) {
    json(ctx, code, errorBody(code, status, message));
  }
}
