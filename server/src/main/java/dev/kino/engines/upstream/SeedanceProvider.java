package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code seedance}: ByteDance's Seedance through BytePlus ModelArk's content generation
 * tasks (docs.byteplus.com, ModelArk's video generation API, read 2026-12): {@code Authorization:
 * Bearer}; {@code POST /api/v3/contents/generations/tasks} with {@code model} and {@code content}:
 * a {@code text} item (the prompt, followed by the parameters as ModelArk's text commands: {@code
 * --resolution 1080p --ratio 16:9 --duration 5 --seed 7 --camerafixed false}) and, for the first
 * frame, an {@code image_url} item with {@code role: first_frame} (here a {@code data:} URI);
 * answered with the task's {@code id}; {@code GET .../tasks/{id}} for {@code queued}, {@code
 * running}, {@code succeeded} with {@code content.video_url} (expiring), {@code failed} with {@code
 * error}, {@code cancelled}; {@code DELETE .../tasks/{id}} cancels a task still queued. Errors are
 * {@code {"error": {"code", "message"}}}. ModelArk has no free call to check a key.
 *
 * <p>The definition's fields are ModelArk's parameter names ({@code resolution}, {@code ratio},
 * {@code duration}, {@code seed}, {@code camerafixed}, {@code watermark}); the first frame is
 * {@code first_frame_url}.
 */
final class SeedanceProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://ark.ap-southeast.bytepluses.com/api/v3",
          List.of("api_key_env"),
          d -> Optional.empty());
  private static final String FRAME = "first_frame_url";
  private static final String TASKS = "/contents/generations/tasks";

  private final InlineImages images;

  SeedanceProvider(InlineImages images) {
    super(
        "seedance",
        ACCOUNT,
        "task_id",
        new ProviderHttp(
            SeedanceProvider::busy, body -> body.path("error").path("message").asString("")));
    this.images = images;
  }

  /** ModelArk cancels a task only while it is queued; a running one is then not cancellable. */
  @Override
  public boolean cancels() {
    return true;
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    ObjectNode body = JSON.createObjectNode().put("model", model.providerModel());
    ArrayNode content = body.putArray("content");
    StringBuilder text = new StringBuilder(task.input().path("prompt").asString(""));
    task.input()
        .properties()
        .forEach(
            field -> {
              if (!field.getKey().equals("prompt") && !field.getKey().equals(FRAME)) {
                text.append(" --")
                    .append(field.getKey())
                    .append(' ')
                    .append(field.getValue().asString());
              }
            });
    content.addObject().put("type", "text").put("text", text.toString());
    if (task.input().has(FRAME)) {
      InlineImages.Image image = images.read(FRAME, task.input().path(FRAME).asString());
      ObjectNode item = content.addObject().put("type", "image_url").put("role", "first_frame");
      item.putObject("image_url").put("url", image.dataUri());
    }
    JsonNode created =
        http.send(
            call(model, TASKS)
                .header("Content-Type", "application/json")
                .POST(ProviderHttp.json(body)));
    return recorded(created.path("id").asString(""), run);
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode task = http.send(call(model, TASKS + "/" + enc(taskId(ticket))).GET());
    return switch (task.path("status").asString("")) {
      case "queued" -> new Poll.Queued(-1);
      case "succeeded" ->
          new Poll.Done(
              JSON.createObjectNode()
                  .put("video", task.path("content").path("video_url").asString("")));
      case "failed" ->
          new Poll.Failed(
              task.path("error").path("message").asString("no reason given"), task.path("error"));
      case "cancelled" -> new Poll.Cancelled();
      default -> new Poll.Running(-1, List.of());
    };
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException {
    return http.exchange(call(model, TASKS + "/" + enc(taskId(ticket))).DELETE()).status() < 300;
  }

  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    return read(
        refused.reply.body().path("error"),
        ProviderFailure.byStatus(refused.status),
        refused.getMessage());
  }

  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return read(failed.error(), Failures.FAILED, failed.message());
  }

  /**
   * ModelArk's error codes: {@code *SensitiveContentDetected} its moderation, {@code
   * InvalidParameter} and {@code MissingParameter} the input's (naming the parameter in {@code
   * param} where it does), {@code AuthenticationError} and {@code AccessDenied} the key's, {@code
   * AccountOverdueError} and {@code QuotaExceeded} the account's; the rate and capacity limits
   * ({@code RateLimitExceeded}, {@code ServerOverloaded}) are waited out.
   */
  private static ProviderFailure read(JsonNode error, String otherwise, String message) {
    String code = error.path("code").asString("");
    String kind;
    if (code.contains("SensitiveContent")) {
      kind = Failures.CONTENT_REFUSED;
    } else if (code.startsWith("InvalidParameter") || code.startsWith("MissingParameter")) {
      kind = Failures.INVALID_INPUT;
    } else if (code.startsWith("AuthenticationError") || code.startsWith("AccessDenied")) {
      kind = Failures.AUTH;
    } else if (code.startsWith("AccountOverdue") || code.startsWith("QuotaExceeded")) {
      kind = Failures.QUOTA;
    } else if (code.startsWith("RateLimitExceeded") || code.startsWith("ServerOverloaded")) {
      kind = Failures.BUSY;
    } else {
      kind = otherwise;
    }
    ProviderFailure failure = new ProviderFailure(kind, message).withProviderCode(code);
    String param = error.path("param").asString("");
    return kind.equals(Failures.INVALID_INPUT)
        ? failure.withField(param.equals("image_url") ? FRAME : param)
        : failure;
  }

  /** Rate and capacity limits are busy; an account out of quota, also a 429, is not. */
  private static boolean busy(ProviderHttp.Reply reply) {
    String code = reply.body().path("error").path("code").asString("");
    return reply.status() == 429
        && !code.startsWith("QuotaExceeded")
        && !code.startsWith("AccountOverdue");
  }
}
