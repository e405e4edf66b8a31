package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for Luma's Dream Machine API (api.lumalabs.ai/dream-machine/v1), which cannot be
 * reached from tests, after its API reference: {@code Authorization: Bearer <key>} (401 with a
 * {@code detail} otherwise); {@code POST /generations/video} answers the generation ({@code id},
 * {@code state: queued}); {@code GET /generations/{id}} is {@code queued}, {@code dreaming}, then
 * {@code completed} with {@code assets.video} (a URL that expires) or {@code failed} with {@code
 * failure_reason}; {@code GET /credits} the balance. Errors are {@code {"detail": "..."}}; a
 * keyframe must be an image by URL.
 */
public final class FakeLuma extends FakeProvider {
  private final String key;

  public FakeLuma(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.get("/dream-machine/v1/credits", this::credits);
    config.routes.post("/dream-machine/v1/generations/video", this::create);
    config.routes.get("/dream-machine/v1/generations/{id}", this::get);
  }

  private void credits(Context ctx) {
    recordKeyCheck(ctx);
    if (authenticated(ctx)) {
      json(ctx, 200, JSON.createObjectNode().put("credit_balance", 1000.0));
    }
  }

  private void create(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    JsonNode frame = body.path("keyframes").path("frame0");
    if (!body.path("prompt").isString()
        || (!frame.isMissingNode()
            && !(frame.path("type").asString("").equals("image")
                && frame.path("url").asString("").startsWith("http")))) {
      detail(ctx, 400, "prompt is required; a keyframe is {type: image, url}");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      detail(ctx, 429, "Too many requests, rate limit exceeded");
      return;
    }
    Task task = newTask(UUID.randomUUID().toString(), body);
    json(ctx, 201, generation(task));
  }

  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      detail(ctx, 400, "Invalid request: duration must be one of 5s, 9s");
    } else if (refusingAs("provider_quota")) {
      detail(ctx, 400, "Insufficient credits");
    } else if (refusingAs("provider_auth")) {
      detail(ctx, 401, "Invalid API key");
    } else if (refusingAs("provider_unavailable")) {
      detail(ctx, 503, "Service temporarily unavailable");
    } else {
      return false;
    }
    return true;
  }

  private void get(Context ctx) {
    record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      detail(ctx, 404, "Generation not found");
      return;
    }
    json(ctx, 200, generation(task));
  }

  private ObjectNode generation(Task task) {
    ObjectNode g = JSON.createObjectNode().put("id", task.id).put("generation_type", "video");
    g.set("request", task.input);
    if (task.queued()) {
      g.put("state", "queued");
    } else if (task.running()) {
      g.put("state", "dreaming");
    } else if (task.failure != null) {
      g.put("state", "failed")
          .put(
              "failure_reason",
              task.failureCode.equals("content_refused")
                  ? "400: prompt not allowed because advanced moderation failed"
                  : task.failure);
    } else {
      g.put("state", "completed").putObject("assets").put("video", outputUrl(task));
    }
    return g;
  }

  private boolean authenticated(Context ctx) {
    if (("Bearer " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    detail(ctx, 401, "Invalid API key");
    return false;
  }

  private static void detail(Context ctx, int status, String message) {
    json(ctx, status, JSON.createObjectNode().put("detail", message));
  }
}
