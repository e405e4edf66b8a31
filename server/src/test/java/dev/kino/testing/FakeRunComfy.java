package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for RunComfy's Model API (the seed API, model-api.runcomfy.net), which cannot be
 * reached from tests, after the seed's documented shapes: {@code Authorization: Bearer <key>};
 * {@code POST /v1/models/{model_id}} answers the {@code request_id}; {@code GET
 * /v1/requests/{id}/status} {@code in_queue} (with {@code queue_position}), {@code in_progress},
 * {@code completed}, {@code failed} or {@code cancelled}; {@code /result} the {@code output} or the
 * {@code error}; {@code POST .../cancel} the outcome. Errors are {@code {"error_code",
 * "error_message", "detail"}}. For its failure answers it follows another Kino, the documented case
 * of this engine beside RunComfy: a 422 lists {@code detail.errors[].path}, a failed job's {@code
 * error.code} is already one of Kino's.
 */
public final class FakeRunComfy extends FakeProvider {
  private final String key;

  public FakeRunComfy(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.post("/v1/models/<model>", this::submit);
    config.routes.get("/v1/models", this::models);
    config.routes.get("/v1/requests/{id}/status", this::status);
    config.routes.get("/v1/requests/{id}/result", this::result);
    config.routes.post("/v1/requests/{id}/cancel", this::cancel);
  }

  private void models(Context ctx) {
    recordKeyCheck(ctx);
    if (authenticated(ctx)) {
      ObjectNode list = JSON.createObjectNode().put("total", 1);
      list.putArray("models").addObject().put("id", "kling/kling-3.0/standard/text-to-video");
      json(ctx, 200, list);
    }
  }

  private void submit(Context ctx) {
    var body = record(ctx);
    if (!authenticated(ctx) || refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      ctx.header("Retry-After", "1");
      error(ctx, 429, 429001, "limit_reached", "too many requests");
      return;
    }
    Task task = newTask(UUID.randomUUID().toString(), body);
    json(ctx, 200, JSON.createObjectNode().put("request_id", task.id).put("status", "in_queue"));
  }

  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      ObjectNode body =
          error(422, 422001, "invalid_input", "prompt must be at most 2500 characters");
      ((ObjectNode) body.path("detail"))
          .putArray("errors")
          .addObject()
          .put("path", "prompt")
          .put("code", "maxLength")
          .put("message", "must be at most 2500 characters");
      json(ctx, 422, body);
    } else if (refusingAs("provider_quota")) {
      error(ctx, 402, 400002, "budget_exceeded", "the key's budget has too little left");
    } else if (refusingAs("provider_auth")) {
      error(ctx, 401, 401001, "unauthorized", "unknown API key");
    } else if (refusingAs("provider_unavailable")) {
      error(ctx, 503, 503001, "database_unavailable", "try again shortly");
    } else {
      return false;
    }
    return true;
  }

  private String state(Task task) {
    if (task.cancelled) {
      return "cancelled";
    }
    if (task.queued()) {
      return "in_queue";
    }
    if (task.running()) {
      return "in_progress";
    }
    return task.failure != null ? "failed" : "completed";
  }

  private void status(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    ObjectNode status =
        JSON.createObjectNode().put("request_id", task.id).put("status", state(task));
    if (task.queued()) {
      status.put("queue_position", 0);
    } else if (task.running()) {
      status.put("progress", task.progress());
    }
    json(ctx, 200, status);
  }

  private void result(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    ObjectNode result =
        JSON.createObjectNode().put("request_id", task.id).put("status", state(task));
    if (state(task).equals("completed")) {
      result.putObject("output").put("video", outputUrl(task));
      result.putNull("error");
    } else if (state(task).equals("failed")) {
      result.putNull("output");
      result
          .putObject("error")
          .put(
              "code",
              task.failureCode.equals("provider_failed") ? "render_failed" : task.failureCode)
          .put("message", task.failure);
    }
    json(ctx, 200, result);
  }

  private void cancel(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    boolean stoppable = !task.finished();
    task.cancelled = task.cancelled || stoppable;
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .put("request_id", task.id)
            .put("status", state(task))
            .put("outcome", stoppable ? "cancelled" : "not_cancellable"));
  }

  private Task task(Context ctx) {
    if (!authenticated(ctx)) {
      return null;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      error(ctx, 404, 404001, "request_not_found", "no such request");
    }
    return task;
  }

  private boolean authenticated(Context ctx) {
    if (("Bearer " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    error(ctx, 401, 401001, "unauthorized", "missing or unknown API key");
    return false;
  }

  private static ObjectNode error(int status, int code, String reason, String message) {
    ObjectNode body = JSON.createObjectNode().put("error_code", code).put("error_message", message);
    body.putObject("detail").put("reason", reason);
    return body;
  }

  private static void error(Context ctx, int status, int code, String reason, String message) {
    json(ctx, status, error(status, code, reason, message));
  }
}
