package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for Alibaba Cloud Model Studio's video synthesis (dashscope-intl.aliyuncs.com), which
 * cannot be reached from tests, after its API reference: {@code Authorization: Bearer <key>};
 * {@code POST /api/v1/services/aigc/video-generation/video-synthesis} only with {@code
 * X-DashScope-Async: enable} (synchronous calls are refused), answered with {@code output.task_id}
 * and {@code PENDING}; {@code GET /api/v1/tasks/{task_id}} is {@code PENDING}, {@code RUNNING},
 * then {@code SUCCEEDED} with {@code output.video_url}, {@code FAILED} with {@code output.code} and
 * {@code message}, or {@code CANCELED}; {@code POST /api/v1/tasks/{id}/cancel} cancels a pending
 * task. Errors are {@code {"code", "message", "request_id"}}.
 */
public final class FakeWan extends FakeProvider {
  private final String key;

  public FakeWan(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.post("/api/v1/services/aigc/video-generation/video-synthesis", this::create);
    config.routes.get("/api/v1/tasks/{id}", this::get);
    config.routes.post("/api/v1/tasks/{id}/cancel", this::cancel);
  }

  private void create(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    if (!"enable".equals(ctx.header("X-DashScope-Async"))) {
      error(ctx, 403, "AccessDenied", "current user api does not support synchronous calls");
      return;
    }
    if (!body.path("input").path("prompt").isString()) {
      error(ctx, 400, "InvalidParameter", "input.prompt is required");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      error(
          ctx,
          429,
          "Throttling.RateQuota",
          "Requests rate limit exceeded, please try again later.");
      return;
    }
    Task task = newTask(UUID.randomUUID().toString(), body);
    ObjectNode answer = JSON.createObjectNode().put("request_id", UUID.randomUUID().toString());
    answer.putObject("output").put("task_id", task.id).put("task_status", "PENDING");
    json(ctx, 200, answer);
  }

  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      error(ctx, 400, "InvalidParameter", "The size is not match the allowed size");
    } else if (refusingAs("provider_quota")) {
      error(
          ctx,
          400,
          "Arrearage",
          "Access denied, please make sure your account is in good standing.");
    } else if (refusingAs("provider_auth")) {
      error(ctx, 401, "InvalidApiKey", "Invalid API-key provided.");
    } else if (refusingAs("provider_unavailable")) {
      error(ctx, 500, "InternalError", "An internal error has occured, please try again later.");
    } else if (refusingAs("content_refused")) {
      error(ctx, 400, "DataInspectionFailed", "Input data may contain inappropriate content.");
    } else {
      return false;
    }
    return true;
  }

  private void get(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    ObjectNode answer = JSON.createObjectNode().put("request_id", UUID.randomUUID().toString());
    ObjectNode output = answer.putObject("output").put("task_id", task.id);
    if (task.cancelled) {
      output.put("task_status", "CANCELED");
    } else if (task.queued()) {
      output.put("task_status", "PENDING");
    } else if (task.running()) {
      output.put("task_status", "RUNNING");
    } else if (task.failure != null) {
      output.put("task_status", "FAILED").put("code", "InternalError").put("message", task.failure);
    } else {
      output.put("task_status", "SUCCEEDED").put("video_url", outputUrl(task));
      answer.putObject("usage").put("video_count", 1);
    }
    json(ctx, 200, answer);
  }

  private void cancel(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    if (!task.queued()) {
      error(
          ctx,
          400,
          "UnsupportedOperation",
          "Failed to cancel the task, please confirm if the task is in PENDING status.");
      return;
    }
    task.cancelled = true;
    json(ctx, 200, JSON.createObjectNode().put("request_id", UUID.randomUUID().toString()));
  }

  private Task task(Context ctx) {
    if (!authenticated(ctx)) {
      return null;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      error(ctx, 404, "NotFound", "task not found");
    }
    return task;
  }

  private boolean authenticated(Context ctx) {
    if (("Bearer " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    error(ctx, 401, "InvalidApiKey", "Invalid API-key provided.");
    return false;
  }

  private static void error(Context ctx, int status, String code, String message) {
    json(
        ctx,
        status,
        JSON.createObjectNode()
            .put("code", code)
            .put("message", message)
            .put("request_id", UUID.randomUUID().toString()));
  }
}
