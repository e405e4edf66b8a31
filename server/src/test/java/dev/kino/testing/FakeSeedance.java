package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for BytePlus ModelArk's content generation tasks (ark.ap-southeast.bytepluses.com),
 * which cannot be reached from tests, after its video generation API reference: {@code
 * Authorization: Bearer <key>}; {@code POST /api/v3/contents/generations/tasks} with {@code model}
 * and {@code content} (a {@code text} item carrying the prompt and its {@code --name value}
 * commands, an {@code image_url} item with {@code role: first_frame}) answers the task's {@code
 * id}; {@code GET .../tasks/{id}} is {@code queued}, {@code running}, {@code succeeded} with {@code
 * content.video_url}, {@code failed} with {@code error}, or {@code cancelled}; {@code DELETE
 * .../tasks/{id}} cancels a queued task (a running one answers 409). Errors are {@code {"error":
 * {"code", "message", "param"}}}.
 */
public final class FakeSeedance extends FakeProvider {
  private static final String TASKS = "/api/v3/contents/generations/tasks";
  private final String key;

  public FakeSeedance(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.post(TASKS, this::create);
    config.routes.get(TASKS + "/{id}", this::get);
    config.routes.delete(TASKS + "/{id}", this::delete);
  }

  private void create(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    JsonNode text = body.path("content").path(0);
    if (!body.path("model").isString() || !text.path("type").asString("").equals("text")) {
      error(ctx, 400, "MissingParameter", "content", "a text item is required");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      error(ctx, 429, "RateLimitExceeded", null, "Too many requests, please retry later");
      return;
    }
    Task task = newTask("cgt-" + System.nanoTime(), body);
    json(ctx, 200, JSON.createObjectNode().put("id", task.id));
  }

  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      error(ctx, 400, "InvalidParameter", "ratio", "the parameter `ratio` is not valid");
    } else if (refusingAs("provider_quota")) {
      error(ctx, 403, "AccountOverdueError", null, "the account is overdue");
    } else if (refusingAs("provider_auth")) {
      error(ctx, 401, "AuthenticationError", null, "the API key is invalid");
    } else if (refusingAs("provider_unavailable")) {
      error(ctx, 500, "InternalServiceError", null, "internal error");
    } else if (refusingAs("content_refused")) {
      error(
          ctx,
          400,
          "InputTextSensitiveContentDetected",
          null,
          "the input text may contain sensitive information");
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
    ObjectNode view =
        JSON.createObjectNode()
            .put("id", task.id)
            .put("model", task.input.path("model").asString());
    if (task.cancelled) {
      view.put("status", "cancelled");
    } else if (task.queued()) {
      view.put("status", "queued");
    } else if (task.running()) {
      view.put("status", "running");
    } else if (task.failure != null) {
      view.put("status", "failed");
      view.putObject("error").put("code", "InternalServiceError").put("message", task.failure);
    } else {
      view.put("status", "succeeded").putObject("content").put("video_url", outputUrl(task));
    }
    json(ctx, 200, view);
  }

  private void delete(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    if (!task.queued()) {
      error(ctx, 409, "OperationDenied", null, "only a queued task can be cancelled");
      return;
    }
    task.cancelled = true;
    ctx.status(200).result("{}");
  }

  private Task task(Context ctx) {
    if (!authenticated(ctx)) {
      return null;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      error(ctx, 404, "ResourceNotFound", null, "the task does not exist");
    }
    return task;
  }

  private boolean authenticated(Context ctx) {
    if (("Bearer " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    error(ctx, 401, "AuthenticationError", null, "the API key is invalid");
    return false;
  }

  private static void error(Context ctx, int status, String code, String param, String message) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error").put("code", code).put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    json(ctx, status, body);
  }
}
