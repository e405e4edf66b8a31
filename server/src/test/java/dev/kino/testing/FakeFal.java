package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for fal's queue API (queue.fal.run), which cannot be reached from tests, after its
 * documented protocol: {@code Authorization: Key <key>}; {@code POST /{owner}/{app}/{path}} queues
 * a request and answers its {@code request_id} with {@code status_url}, {@code response_url} and
 * {@code cancel_url}, which use only the owner and app; the status answers 202 {@code IN_QUEUE}
 * with {@code queue_position}, 202 {@code IN_PROGRESS} with the runner's {@code logs} when asked
 * ({@code ?logs=1}), then 200 {@code COMPLETED}; the response URL holds the output ({@code
 * {"video": {"url", ...}}}) or, for a failed request, an error status with {@code detail}; {@code
 * PUT cancel_url} answers 202 {@code CANCELLATION_REQUESTED} for a queued or running request and
 * 400 {@code ALREADY_COMPLETED} once it has finished. A refused submit is 429 with {@code detail}.
 */
public final class FakeFal extends FakeProvider {
  private final String key;

  public FakeFal(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.post("/<endpoint>", this::submit);
    config.routes.get("/{owner}/{app}/requests/{id}/status", this::status);
    config.routes.get("/{owner}/{app}/requests/{id}", this::response);
    config.routes.put("/{owner}/{app}/requests/{id}/cancel", this::cancel);
  }

  private void submit(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    String[] parts = ctx.pathParam("endpoint").split("/");
    if (parts.length < 2) {
      detail(ctx, 404, "Application not found");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      detail(ctx, 429, "User has reached the concurrent request limit");
      return;
    }
    if (body.has("duration") && !body.path("duration").isString()) {
      detail(ctx, 422, "duration: Input should be '3', '4', ... or '15'");
      return;
    }
    String id = UUID.randomUUID().toString();
    newTask(id, body);
    String base = url() + "/" + parts[0] + "/" + parts[1] + "/requests/" + id;
    ObjectNode answer =
        JSON.createObjectNode()
            .put("status", "IN_QUEUE")
            .put("request_id", id)
            .put("response_url", base)
            .put("status_url", base + "/status")
            .put("cancel_url", base + "/cancel")
            .put("queue_position", 0);
    json(ctx, 200, answer);
  }

  private void status(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    ObjectNode status = JSON.createObjectNode();
    status
        .put("request_id", task.id)
        .put("response_url", ctx.url().replace("/status", "").replaceAll("\\?.*", ""));
    if (task.finished()) {
      json(ctx, 200, status.put("status", "COMPLETED"));
      return;
    }
    if (task.queued()) {
      json(ctx, 202, status.put("status", "IN_QUEUE").put("queue_position", 0));
      return;
    }
    status.put("status", "IN_PROGRESS");
    if ("1".equals(ctx.queryParam("logs"))) {
      int lines = (int) Math.floor(task.progress() * 4);
      for (int i = 0; i < lines; i++) {
        status
            .withArray("logs")
            .addObject()
            .put("message", "step " + (i + 1) + " of 4")
            .put("level", "INFO")
            .put("source", "user")
            .put("timestamp", Instant.now().toString());
      }
    }
    json(ctx, 202, status);
  }

  private void response(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    if (!task.finished()) {
      detail(ctx, 400, "Request is still in progress");
    } else if (task.cancelled) {
      detail(ctx, 400, "Request was cancelled");
    } else if (task.failure != null) {
      // fal's model errors: moderation is a 422 naming the flagged input; the runner's own
      // failure a 500 typed as fal's.
      boolean flagged = task.failureCode.equals("content_refused");
      ObjectNode error = JSON.createObjectNode();
      ObjectNode item =
          error
              .putArray("detail")
              .addObject()
              .put("msg", flagged ? "The content was flagged by a content checker." : task.failure)
              .put("type", flagged ? "content_policy_violation" : "internal_server_error");
      if (flagged) {
        item.putArray("loc").add("body").add("prompt");
      }
      json(ctx, flagged ? 422 : 500, error);
    } else {
      ObjectNode output = JSON.createObjectNode();
      output
          .putObject("video")
          .put("url", outputUrl(task))
          .put("content_type", "video/mp4")
          .put("file_name", "output.mp4");
      json(ctx, 200, output);
    }
  }

  private void cancel(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    if (task.finished()) {
      json(ctx, 400, JSON.createObjectNode().put("status", "ALREADY_COMPLETED"));
      return;
    }
    task.cancelled = true;
    json(ctx, 202, JSON.createObjectNode().put("status", "CANCELLATION_REQUESTED"));
  }

  private Task task(Context ctx) {
    if (!authenticated(ctx)) {
      return null;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      detail(ctx, 404, "Request not found");
    }
    return task;
  }

  private boolean authenticated(Context ctx) {
    if (("Key " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    detail(ctx, 401, "No valid credentials were provided");
    return false;
  }

  /**
   * fal's refusals at submit: a 422 naming the field, a locked account (balance exhausted), a bad
   * key, its own outage. Moderation comes with the result, when the model has run.
   */
  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      ObjectNode error = JSON.createObjectNode();
      error
          .putArray("detail")
          .addObject()
          .put("msg", "String should have at most 2500 characters")
          .put("type", "string_too_long")
          .putArray("loc")
          .add("body")
          .add("prompt");
      json(ctx, 422, error);
    } else if (refusingAs("provider_quota")) {
      detail(
          ctx, 403, "User is locked. Reason: Exhausted balance. Top up your balance to continue.");
    } else if (refusingAs("provider_auth")) {
      detail(ctx, 401, "Invalid Key Authorization header format");
    } else if (refusingAs("provider_unavailable")) {
      detail(ctx, 503, "Service Unavailable");
    } else {
      return false;
    }
    return true;
  }

  private static void detail(Context ctx, int status, String message) {
    json(ctx, status, JSON.createObjectNode().put("detail", message));
  }
}
