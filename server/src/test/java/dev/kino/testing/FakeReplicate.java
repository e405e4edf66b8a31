package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for Replicate's predictions API (api.replicate.com/v1), which cannot be reached from
 * tests, after its documented HTTP API: {@code Authorization: Bearer <token>} (401 with a problem
 * body otherwise); {@code POST /models/{owner}/{name}/predictions} with {@code {"input"}} answers
 * 201 with the prediction ({@code id}, {@code status: starting}, {@code urls.get}, {@code
 * urls.cancel}); {@code GET /predictions/{id}} answers {@code starting}, {@code processing} with
 * the model's {@code logs} as one text, then {@code succeeded} with {@code output} (the file's
 * URL), {@code failed} with {@code error}, or {@code canceled}; {@code POST
 * /predictions/{id}/cancel} answers the prediction, canceled unless it had ended. Input without an
 * {@code input} object is 422; a refused create is 429 with {@code detail}.
 */
public final class FakeReplicate extends FakeProvider {
  private final String token;

  public FakeReplicate(String token) {
    this.token = token;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.post("/models/{owner}/{name}/predictions", this::create);
    config.routes.get("/predictions/{id}", this::get);
    config.routes.get("/account", this::account);
    config.routes.post("/predictions/{id}/cancel", this::cancel);
  }

  private void create(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    if (!body.path("input").isObject()) {
      problem(ctx, 422, "Input validation failed", "- input: input is required");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      ctx.header("Retry-After", "1");
      problem(
          ctx,
          429,
          "Request was throttled",
          "Request was throttled. Expected available in 1 second.");
      return;
    }
    Task task =
        newTask(UUID.randomUUID().toString().replace("-", "").substring(0, 26), body.path("input"));
    json(ctx, 201, prediction(ctx, task));
  }

  /**
   * Replicate's refusals at creation: 422 with {@code invalid_fields}, 402 out of credit, 401 a bad
   * token, its own outage. Moderation fails the prediction instead (E005).
   */
  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      ObjectNode body = JSON.createObjectNode();
      body.put("title", "Input validation failed")
          .put("detail", "- input.prompt: String should have at most 2500 characters")
          .put("status", 422)
          .putArray("invalid_fields")
          .addObject()
          .put("type", "string_too_long")
          .put("field", "input.prompt")
          .put("description", "String should have at most 2500 characters");
      json(ctx, 422, body);
    } else if (refusingAs("provider_quota")) {
      problem(
          ctx,
          402,
          "Insufficient credit",
          "You have insufficient credit to run this model. Go to your account's billing page to"
              + " purchase credit.");
    } else if (refusingAs("provider_auth")) {
      problem(ctx, 401, "Unauthenticated", "You did not pass a valid authentication token");
    } else if (refusingAs("provider_unavailable")) {
      problem(ctx, 503, "Service Unavailable", "Replicate is temporarily unavailable");
    } else {
      return false;
    }
    return true;
  }

  private void account(Context ctx) {
    recordKeyCheck(ctx);
    if (authenticated(ctx)) {
      json(
          ctx,
          200,
          JSON.createObjectNode()
              .put("type", "organization")
              .put("username", "kino")
              .put("name", "Kino"));
    }
  }

  private void get(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task != null) {
      json(ctx, 200, prediction(ctx, task));
    }
  }

  private void cancel(Context ctx) {
    record(ctx);
    Task task = task(ctx);
    if (task == null) {
      return;
    }
    if (!task.finished()) {
      task.cancelled = true;
    }
    json(ctx, 200, prediction(ctx, task));
  }

  private ObjectNode prediction(Context ctx, Task task) {
    ObjectNode p = JSON.createObjectNode();
    p.put("id", task.id);
    p.put(
        "model",
        ctx.pathParamMap().containsKey("owner")
            ? ctx.pathParam("owner") + "/" + ctx.pathParam("name")
            : "");
    p.put("version", "hidden");
    p.set("input", task.input);
    p.put("created_at", Instant.ofEpochMilli(task.createdAt).toString());
    StringBuilder logs = new StringBuilder();
    String status;
    if (task.cancelled) {
      status = "canceled";
    } else if (task.queued()) {
      status = "starting";
    } else if (task.running()) {
      status = "processing";
      int lines = (int) Math.floor(task.progress() * 4);
      for (int i = 0; i < lines; i++) {
        logs.append("step ").append(i + 1).append(" of 4\n");
      }
    } else if (task.failure != null) {
      status = "failed";
      // Replicate marks a moderation failure with its code E005.
      p.put(
          "error",
          task.failureCode.equals("content_refused")
              ? "The input or output was flagged as sensitive. Please try again with different"
                  + " inputs. (E005)"
              : task.failure);
    } else {
      status = "succeeded";
      p.put("output", outputUrl(task));
    }
    p.put("status", status);
    p.put("logs", logs.toString());
    ObjectNode urls = p.putObject("urls");
    urls.put("get", url() + "/predictions/" + task.id);
    urls.put("cancel", url() + "/predictions/" + task.id + "/cancel");
    return p;
  }

  private Task task(Context ctx) {
    if (!authenticated(ctx)) {
      return null;
    }
    Task task = tasks.get(ctx.pathParam("id"));
    if (task == null) {
      problem(ctx, 404, "Not found", "The requested resource could not be found.");
    }
    return task;
  }

  private boolean authenticated(Context ctx) {
    if (("Bearer " + token).equals(ctx.header("Authorization"))) {
      return true;
    }
    problem(ctx, 401, "Unauthenticated", "You did not pass a valid authentication token");
    return false;
  }

  private static void problem(Context ctx, int status, String title, String detail) {
    json(
        ctx,
        status,
        JSON.createObjectNode().put("title", title).put("detail", detail).put("status", status));
  }
}
