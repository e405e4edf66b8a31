package dev.kino.testing;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for MiniMax's video generation API (api.minimax.io), which cannot be reached from
 * tests, after its guide and API reference: {@code Authorization: Bearer <key>}; {@code POST
 * /v1/video_generation} answers {@code task_id}; {@code GET /v1/query/video_generation?task_id=} is
 * {@code Preparing}, {@code Queueing}, {@code Processing}, then {@code Success} with a {@code
 * file_id} or {@code Fail}; {@code GET /v1/files/retrieve?file_id=} gives the file's {@code
 * download_url}; {@code GET /v1/files/list} the account's files. Every answer has {@code base_resp:
 * {status_code, status_msg}}, and refusals come as HTTP 200 with a non-zero code: 1002 rate limit,
 * 1004 authentication, 1008 balance, 1026 sensitive input, 2013 invalid parameters.
 */
public final class FakeHailuo extends FakeProvider {
  private final String key;

  public FakeHailuo(String key) {
    this.key = key;
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.get("/v1/files/list", this::list);
    config.routes.post("/v1/video_generation", this::create);
    config.routes.get("/v1/query/video_generation", this::query);
    config.routes.get("/v1/files/retrieve", this::retrieve);
  }

  private void list(Context ctx) {
    recordKeyCheck(ctx);
    if (authenticated(ctx)) {
      ObjectNode body = ok();
      body.putArray("files");
      json(ctx, 200, body);
    }
  }

  private void create(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    if (!body.path("model").isString() || !body.path("prompt").isString()) {
      refuse(ctx, 2013, "invalid params, model and prompt are required");
      return;
    }
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      refuse(ctx, 1002, "rate limit exceeded (RPM)");
      return;
    }
    Task task = newTask(String.valueOf(System.nanoTime()), body);
    json(ctx, 200, ok().put("task_id", task.id));
  }

  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      refuse(ctx, 2013, "invalid params, duration must be 6 or 10");
    } else if (refusingAs("provider_quota")) {
      refuse(ctx, 1008, "insufficient balance");
    } else if (refusingAs("provider_auth")) {
      refuse(ctx, 1004, "authentication failed, please check your api key");
    } else if (refusingAs("provider_unavailable")) {
      json(ctx, 503, JSON.createObjectNode().put("error", "service unavailable"));
    } else if (refusingAs("content_refused")) {
      refuse(ctx, 1026, "input new_sensitive, your prompt may contain sensitive content");
    } else {
      return false;
    }
    return true;
  }

  private void query(Context ctx) {
    record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    Task task = tasks.get(String.valueOf(ctx.queryParam("task_id")));
    if (task == null) {
      refuse(ctx, 1013, "task not found");
      return;
    }
    ObjectNode view = ok().put("task_id", task.id);
    if (task.queued()) {
      view.put("status", "Queueing");
    } else if (task.running()) {
      view.put("status", "Processing");
    } else if (task.failure != null) {
      view.put("status", "Fail");
      view.putObject("base_resp").put("status_code", 1000).put("status_msg", task.failure);
    } else {
      view.put("status", "Success").put("file_id", "file-" + task.id);
    }
    json(ctx, 200, view);
  }

  private void retrieve(Context ctx) {
    record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    String fileId = String.valueOf(ctx.queryParam("file_id"));
    Task task = tasks.get(fileId.replaceFirst("^file-", ""));
    if (task == null) {
      refuse(ctx, 1013, "file not found");
      return;
    }
    ObjectNode body = ok();
    body.putObject("file")
        .put("file_id", fileId)
        .put("purpose", "video_generation")
        .put("download_url", outputUrl(task));
    json(ctx, 200, body);
  }

  private boolean authenticated(Context ctx) {
    if (("Bearer " + key).equals(ctx.header("Authorization"))) {
      return true;
    }
    refuse(ctx, 1004, "authentication failed, please check your api key");
    return false;
  }

  private static ObjectNode ok() {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("base_resp").put("status_code", 0).put("status_msg", "success");
    return body;
  }

  private static void refuse(Context ctx, int code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("base_resp").put("status_code", code).put("status_msg", message);
    json(ctx, 200, body);
  }
}
