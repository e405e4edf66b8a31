package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import dev.kino.models.FieldProblem;
import dev.kino.models.InputRule;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code hailuo}: MiniMax's video generation API (platform.minimax.io, its video generation
 * guide and API reference, read 2026-12): {@code Authorization: Bearer}; {@code POST
 * /v1/video_generation} with {@code model}, {@code prompt}, {@code first_frame_image} (here a
 * {@code data:} URI), {@code duration}, {@code resolution}, {@code prompt_optimizer}, answered with
 * {@code task_id}; {@code GET /v1/query/video_generation?task_id=} for {@code Preparing}, {@code
 * Queueing}, {@code Processing}, {@code Success} with a {@code file_id}, or {@code Fail}; then
 * {@code GET /v1/files/retrieve?file_id=} for the file's {@code download_url} (valid some hours:
 * Kino keeps the file). Every answer carries {@code base_resp: {status_code, status_msg}}, non-zero
 * on a refusal even with HTTP 200 (1002 is the rate limit). No cancel, no idempotency key. {@code
 * GET /v1/files/list} (free) checks the key at start-up.
 *
 * <p>The definition's fields are MiniMax's parameters under their own names; the first frame is
 * {@code first_frame_image_url}.
 */
final class HailuoProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://api.minimax.io", List.of("api_key_env"), d -> Optional.empty());
  private static final String IMAGE = "first_frame_image_url";
  private static final int RATE_LIMITED = 1002;

  private final InlineImages images;

  HailuoProvider(InlineImages images) {
    super(
        "hailuo",
        ACCOUNT,
        "task_id",
        new ProviderHttp(
            reply -> reply.status() == 429 || code(reply.body()) == RATE_LIMITED,
            HailuoProvider::message));
    this.images = images;
  }

  @Override
  public boolean cancels() {
    return false;
  }

  /** Hailuo makes 1080P videos 6 seconds long only. */
  @Override
  public Optional<InputRule> inputRule(UpstreamModel model) {
    return Optional.of(
        input ->
            input.path("resolution").asString("768P").equals("1080P")
                    && input.path("duration").asInt(6) != 6
                ? List.of(
                    new FieldProblem(
                        "duration",
                        "engine_limit",
                        "Hailuo makes 1080P videos 6 seconds long only"))
                : List.of());
  }

  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    checked(http.send(call(model, "/v1/files/list?purpose=video_generation").GET()));
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    ObjectNode body = JSON.createObjectNode().put("model", model.providerModel());
    copied(task.input(), Set.of(IMAGE), body);
    if (task.input().has(IMAGE)) {
      InlineImages.Image image = images.read(IMAGE, task.input().path(IMAGE).asString());
      body.put("first_frame_image", image.dataUri());
    }
    JsonNode created =
        checked(
            http.send(
                call(model, "/v1/video_generation")
                    .header("Content-Type", "application/json")
                    .POST(ProviderHttp.json(body))));
    return recorded(created.path("task_id").asString(""), run);
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode task =
        checked(
            http.send(
                call(model, "/v1/query/video_generation?task_id=" + enc(taskId(ticket))).GET()));
    return switch (task.path("status").asString("")) {
      case "Preparing", "Queueing" -> new Poll.Queued(-1);
      case "Success" -> {
        JsonNode file =
            checked(
                http.send(
                    call(
                            model,
                            "/v1/files/retrieve?file_id=" + enc(task.path("file_id").asString()))
                        .GET()));
        yield new Poll.Done(
            JSON.createObjectNode()
                .put("video", file.path("file").path("download_url").asString("")));
      }
      case "Fail" ->
          new Poll.Failed(
              task.path("base_resp").path("status_msg").asString("no reason given"), task);
      default -> new Poll.Running(-1, List.of());
    };
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket) {
    return false;
  }

  /** MiniMax's {@code base_resp.status_code}, from its error-code table. */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    return read(
        refused.reply.body(), ProviderFailure.byStatus(refused.status), refused.getMessage());
  }

  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return read(failed.error(), Failures.FAILED, failed.message());
  }

  private static ProviderFailure read(JsonNode body, String otherwise, String message) {
    int code = code(body);
    String kind =
        switch (code) {
          case 1001 -> Failures.TIMEOUT;
          case 1002 -> Failures.BUSY;
          case 1004, 2049 -> Failures.AUTH;
          case 1008 -> Failures.QUOTA;
          case 1026, 1027 -> Failures.CONTENT_REFUSED;
          case 2013 -> Failures.INVALID_INPUT;
          case 0 -> otherwise;
          default -> Failures.FAILED;
        };
    return new ProviderFailure(kind, message)
        .withProviderCode(code == 0 ? "" : String.valueOf(code));
  }

  /** The answer, when its {@code base_resp} says success. */
  private static JsonNode checked(JsonNode answer) throws ProviderHttp.Busy, ProviderHttp.Refused {
    int code = code(answer);
    if (code == RATE_LIMITED) {
      throw new ProviderHttp.Busy(Optional.empty(), message(answer));
    }
    if (code != 0) {
      throw new ProviderHttp.Refused(
          new ProviderHttp.Reply(200, answer, answer.toString(), Optional.empty()),
          message(answer));
    }
    return answer;
  }

  private static int code(JsonNode body) {
    return body.path("base_resp").path("status_code").asInt(0);
  }

  private static String message(JsonNode body) {
    return body.path("base_resp").path("status_msg").asString("");
  }
}
