package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for a service that speaks the OpenAI Videos API (api.openai.com/v1/videos, or a relay),
 * after OpenAI's API reference: {@code Authorization: Bearer <key>} (401 {@code invalid_api_key}
 * otherwise); {@code POST /videos} as multipart answers the video object ({@code id}, {@code
 * status: queued}); {@code GET /videos/{id}} answers {@code queued}, {@code in_progress} with
 * {@code progress} 0-100, then {@code completed}, or {@code failed} with {@code error {code,
 * message}}; {@code GET /videos/{id}/content} answers the MP4, with the key only. Errors are {@code
 * {"error": {message, type, param, code}}}; a refused create is 429 {@code rate_limit_exceeded}.
 * There is no cancel.
 */
public final class FakeOpenAiVideos extends FakeProvider {
  private final String key;
  private final List<ObjectNode> forms = new CopyOnWriteArrayList<>();

  public FakeOpenAiVideos(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.post("/videos", this::create);
    config.routes.get("/videos/{id}", this::retrieve);
    config.routes.get("/models", this::models);
    config.routes.get("/videos/{id}/content", this::content);
  }

  /** The form fields of each create, in order. */
  public List<ObjectNode> forms() {
    return List.copyOf(forms);
  }

  private void create(Context ctx) {
    ObjectNode form = JSON.createObjectNode();
    ctx.formParamMap().forEach((name, values) -> form.put(name, values.getFirst()));
    forms.add(form);
    recordForm(ctx, form);
    if (!authenticated(ctx)) {
      return;
    }
    if (!ctx.isMultipartFormData()) {
      error(
          ctx,
          400,
          "invalid_request_error",
          null,
          "invalid_content_type",
          "send multipart/form-data");
      return;
    }
    if (form.path("prompt").asString("").isBlank()) {
      error(
          ctx,
          400,
          "invalid_request_error",
          "prompt",
          "missing_required_parameter",
          "prompt is required");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      error(
          ctx,
          429,
          "rate_limit_error",
          null,
          "rate_limit_exceeded",
          "Rate limit reached for requests");
      return;
    }
    Task task = newTask("video_" + UUID.randomUUID().toString().replace("-", ""), form);
    json(ctx, 200, video(task));
  }

  /**
   * OpenAI's refusals at creation: a 400 naming the parameter, a 429 out of quota (not to be waited
   * out), a 401 bad key, its own outage, and moderation of the prompt.
   */
  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      error(
          ctx,
          400,
          "invalid_request_error",
          "seconds",
          "invalid_value",
          "Invalid value for 'seconds': expected one of '4', '8' or '12'.");
    } else if (refusingAs("provider_quota")) {
      error(
          ctx,
          429,
          "insufficient_quota",
          null,
          "insufficient_quota",
          "You exceeded your current quota, please check your plan and billing details.");
    } else if (refusingAs("provider_auth")) {
      error(
          ctx,
          401,
          "invalid_request_error",
          null,
          "invalid_api_key",
          "Incorrect API key provided.");
    } else if (refusingAs("provider_unavailable")) {
      error(ctx, 503, "server_error", null, null, "The server is overloaded or not ready yet.");
    } else if (refusingAs("content_refused")) {
      error(
          ctx,
          400,
          "invalid_request_error",
          "prompt",
          "moderation_blocked",
          "Your request was blocked by our moderation system.");
    } else {
      return false;
    }
    return true;
  }

  private void models(Context ctx) {
    recordKeyCheck(ctx);
    if (authenticated(ctx)) {
      ObjectNode list = JSON.createObjectNode().put("object", "list");
      list.putArray("data").addObject().put("id", "kling-v3").put("object", "model");
      json(ctx, 200, list);
    }
  }

  private void retrieve(Context ctx) {
    recordForm(ctx, JSON.createObjectNode());
    Task task = task(ctx);
    if (task != null) {
      json(ctx, 200, video(task));
    }
  }

  private void content(Context ctx) {
    recordForm(ctx, JSON.createObjectNode());
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    if (!task.finished() || task.failure != null) {
      error(ctx, 404, "invalid_request_error", null, "video_not_ready", "the video is not ready");
      return;
    }
    ctx.contentType("video/mp4").result(VIDEO);
  }

  private ObjectNode video(Task task) {
    ObjectNode v = JSON.createObjectNode();
    v.put("id", task.id);
    v.put("object", "video");
    v.put("model", task.input.path("model").asString());
    v.put("created_at", task.createdAt / 1000);
    v.put("seconds", task.input.path("seconds").asString("4"));
    v.put("size", task.input.path("size").asString("1280x720"));
    if (task.queued()) {
      v.put("status", "queued").put("progress", 0);
    } else if (task.running()) {
      v.put("status", "in_progress").put("progress", (int) Math.round(task.progress() * 100));
    } else if (task.failure != null) {
      v.put("status", "failed").put("progress", 0);
      v.putObject("error")
          .put(
              "code",
              task.failureCode.equals("content_refused")
                  ? "moderation_blocked"
                  : "video_generation_failed")
          .put("message", task.failure);
    } else {
      v.put("status", "completed").put("progress", 100);
    }
    return v;
  }

  private Task task(Context ctx) {
    if (!authenticated(ctx)) {
      return null;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      error(ctx, 404, "invalid_request_error", "id", "not_found", "Video not found");
    }
    return task;
  }

  private boolean authenticated(Context ctx) {
    if (("Bearer " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    error(ctx, 401, "invalid_request_error", null, "invalid_api_key", "Incorrect API key provided");
    return false;
  }

  private static void error(
      Context ctx, int status, String type, String param, String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code);
    json(ctx, status, body);
  }
}
