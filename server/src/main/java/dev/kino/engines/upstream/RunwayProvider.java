package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code runway}: Runway's developer API, as its API reference gives it
 * (docs.dev.runwayml.com, read 2026-12): every call with {@code Authorization: Bearer} and the
 * version header {@code X-Runway-Version: 2024-11-06}; {@code POST /v1/text_to_video} or {@code
 * /v1/image_to_video} with {@code model}, {@code promptText}, {@code promptImage} (here always a
 * {@code data:} URI, so the image need not be reachable from Runway), {@code ratio}, {@code
 * duration}, {@code seed}, answered with the task's {@code id}; {@code GET /v1/tasks/{id}} for
 * {@code PENDING}, {@code THROTTLED} (waiting for the organisation's concurrency), {@code RUNNING}
 * with {@code progress} 0-1, {@code SUCCEEDED} with {@code output} (expiring URLs), {@code FAILED}
 * with {@code failure} and {@code failureCode}, {@code CANCELLED}; {@code DELETE /v1/tasks/{id}}
 * cancels a task (deletes a finished one). {@code GET /v1/organization} reads the credit balance:
 * the start-up check of the key.
 *
 * <p>The definition's fields are Runway's parameters under their own names; the image is {@code
 * promptImage_url} (Kino checks and fetches {@code *_url} fields). A definition with {@code
 * promptImage_url} in its schema is image to video.
 */
final class RunwayProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://api.dev.runwayml.com", List.of("api_key_env"), d -> Optional.empty());
  static final String VERSION = "2024-11-06";
  private static final String IMAGE = "promptImage_url";

  private final InlineImages images;

  RunwayProvider(InlineImages images) {
    super(
        "runway",
        ACCOUNT,
        "task_id",
        new ProviderHttp(ProviderHttp::tooManyRequests, RunwayProvider::message));
    this.images = images;
  }

  @Override
  public boolean cancels() {
    return true;
  }

  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    http.send(call(model, "/v1/organization").GET());
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    ObjectNode body = JSON.createObjectNode().put("model", model.providerModel());
    boolean image = task.input().has(IMAGE);
    copied(task.input(), Set.of(IMAGE), body);
    if (image) {
      InlineImages.Image read = images.read(IMAGE, task.input().path(IMAGE).asString());
      body.put("promptImage", read.dataUri());
    }
    JsonNode created =
        http.send(
            call(model, image ? "/v1/image_to_video" : "/v1/text_to_video")
                .header("Content-Type", "application/json")
                .POST(ProviderHttp.json(body)));
    return recorded(created.path("id").asString(""), run);
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode task = http.send(call(model, "/v1/tasks/" + enc(taskId(ticket))).GET());
    return switch (task.path("status").asString("")) {
      case "PENDING", "THROTTLED" -> new Poll.Queued(-1);
      case "SUCCEEDED" ->
          new Poll.Done(
              JSON.createObjectNode().put("video", task.path("output").path(0).asString("")));
      case "FAILED" -> new Poll.Failed(task.path("failure").asString("no reason given"), task);
      case "CANCELLED" -> new Poll.Cancelled();
      default -> new Poll.Running(task.path("progress").asDouble(-1), List.of());
    };
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException {
    ProviderHttp.Reply reply =
        http.exchange(call(model, "/v1/tasks/" + enc(taskId(ticket))).DELETE());
    return reply.status() < 300;
  }

  /**
   * Runway's refusals: a 400 whose {@code issues} name the field (the body's validation), or that
   * says the organisation lacks credits; 401 a wrong key; 429 its rate limit.
   */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    String text = refused.getMessage().toLowerCase(Locale.ROOT);
    if (text.contains("enough credits") || text.contains("insufficient credit")) {
      return new ProviderFailure(Failures.QUOTA, refused.getMessage());
    }
    ProviderFailure failure = ProviderFailure.ofStatus(refused);
    if (ProviderFailure.fromText(refused.getMessage()).code().equals(Failures.CONTENT_REFUSED)) {
      return new ProviderFailure(Failures.CONTENT_REFUSED, refused.getMessage());
    }
    JsonNode path = refused.reply.body().path("issues").path(0).path("path");
    String field = path.path(0).asString("");
    return failure.code().equals(Failures.INVALID_INPUT)
        ? failure.withField(field.equals("promptImage") ? IMAGE : field)
        : failure;
  }

  /**
   * A failed task's {@code failureCode}: {@code SAFETY.*} and {@code INPUT_PREPROCESSING.SAFETY.*}
   * are Runway's moderation, {@code ASSET.INVALID} an input it cannot use, {@code INTERNAL.*} its
   * own failure.
   */
  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    String code = failed.error().path("failureCode").asString("");
    String kind;
    if (code.startsWith("SAFETY") || code.contains(".SAFETY")) {
      kind = Failures.CONTENT_REFUSED;
    } else if (code.startsWith("ASSET")) {
      kind = Failures.INVALID_INPUT;
    } else {
      kind = Failures.FAILED;
    }
    ProviderFailure failure = new ProviderFailure(kind, failed.message()).withProviderCode(code);
    return kind.equals(Failures.INVALID_INPUT) ? failure.withField(IMAGE) : failure;
  }

  /** Runway's {@code error}, with its first issue when it lists them. */
  private static String message(JsonNode body) {
    String error = body.path("error").asString("");
    JsonNode issue = body.path("issues").path(0);
    return issue.isMissingNode() ? error : error + ": " + issue.path("message").asString("");
  }

  /** Every call carries the API version Runway requires. */
  @Override
  HttpRequest.Builder call(UpstreamModel model, String path) {
    return super.call(model, path).header("X-Runway-Version", VERSION);
  }
}
