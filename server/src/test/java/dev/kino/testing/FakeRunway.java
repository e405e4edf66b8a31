package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for Runway's developer API (api.dev.runwayml.com), which cannot be reached from tests,
 * after its API reference: {@code Authorization: Bearer <key>} and {@code X-Runway-Version:
 * 2024-11-06} on every call (401 / 400 otherwise); {@code POST /v1/text_to_video} and {@code
 * /v1/image_to_video} answer the task's {@code id} (a body without {@code promptText} or, for image
 * to video, {@code promptImage}, is 400 with its {@code issues}); {@code GET /v1/tasks/{id}} is
 * {@code PENDING}, {@code RUNNING} with {@code progress}, then {@code SUCCEEDED} with {@code
 * output} (a URL that expires), {@code FAILED} with {@code failure} and {@code failureCode}, or
 * {@code CANCELLED}; {@code DELETE /v1/tasks/{id}} cancels (204); {@code GET /v1/organization} the
 * credit balance. Errors are {@code {"error", "issues"}}.
 */
public final class FakeRunway extends FakeProvider {
  private final String key;

  public FakeRunway(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.get("/v1/organization", this::organization);
    config.routes.post("/v1/text_to_video", ctx -> create(ctx, false));
    config.routes.post("/v1/image_to_video", ctx -> create(ctx, true));
    config.routes.get("/v1/tasks/{id}", this::get);
    config.routes.delete("/v1/tasks/{id}", this::delete);
  }

  private void organization(Context ctx) {
    recordKeyCheck(ctx);
    if (authenticated(ctx)) {
      json(ctx, 200, JSON.createObjectNode().put("creditBalance", 1000));
    }
  }

  private void create(Context ctx, boolean image) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    String missing =
        !body.path("promptText").isString()
            ? "promptText"
            : image && !body.path("promptImage").asString("").startsWith("data:image/")
                ? "promptImage"
                : null;
    if (missing != null) {
      invalid(ctx, missing, "Required");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      error(ctx, 429, "You have exceeded the rate limit for this organization.");
      return;
    }
    Task task = newTask(UUID.randomUUID().toString(), body);
    json(ctx, 200, JSON.createObjectNode().put("id", task.id));
  }

  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      invalid(ctx, "ratio", "Invalid enum value. Expected '1280:720' | '720:1280'");
    } else if (refusingAs("provider_quota")) {
      error(ctx, 400, "You do not have enough credits to run this task.");
    } else if (refusingAs("provider_auth")) {
      error(ctx, 401, "Invalid API key.");
    } else if (refusingAs("provider_unavailable")) {
      error(ctx, 502, "Bad gateway");
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
    ObjectNode view = JSON.createObjectNode().put("id", task.id).put("createdAt", task.createdAt);
    if (task.cancelled) {
      view.put("status", "CANCELLED");
    } else if (task.queued()) {
      view.put("status", "PENDING");
    } else if (task.running()) {
      view.put("status", "RUNNING").put("progress", task.progress());
    } else if (task.failure != null) {
      boolean flagged = task.failureCode.equals("content_refused");
      view.put("status", "FAILED")
          .put(
              "failure",
              flagged ? "Your input was flagged by our content moderation." : task.failure)
          .put("failureCode", flagged ? "SAFETY.INPUT.TEXT" : "INTERNAL.BAD_OUTPUT.CODE01");
    } else {
      view.put("status", "SUCCEEDED").putArray("output").add(outputUrl(task));
    }
    json(ctx, 200, view);
  }

  private void delete(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task != null) {
      task.cancelled = true;
      ctx.status(204);
    }
  }

  private Task task(Context ctx) {
    if (!authenticated(ctx)) {
      return null;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      error(ctx, 404, "Task not found.");
    }
    return task;
  }

  private boolean authenticated(Context ctx) {
    if (!"2024-11-06".equals(ctx.header("X-Runway-Version"))) {
      error(ctx, 400, "The X-Runway-Version header is required: 2024-11-06");
      return false;
    }
    if (("Bearer " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    error(ctx, 401, "Invalid API key.");
    return false;
  }

  private static void invalid(Context ctx, String field, String message) {
    ObjectNode body = JSON.createObjectNode().put("error", "Validation of body failed");
    body.putArray("issues").addObject().put("message", message).putArray("path").add(field);
    json(ctx, 400, body);
  }

  private static void error(Context ctx, int status, String message) {
    json(ctx, status, JSON.createObjectNode().put("error", message));
  }
}
