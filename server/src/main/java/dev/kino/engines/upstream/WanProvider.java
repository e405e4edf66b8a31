package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code wan}: Alibaba's Wan through Model Studio's asynchronous video synthesis (DashScope,
 * alibabacloud.com/help/en/model-studio, its video generation API reference, read 2026-12): {@code
 * Authorization: Bearer} and {@code X-DashScope-Async: enable}; {@code POST
 * /api/v1/services/aigc/video-generation/video-synthesis} with {@code model}, {@code input} ({@code
 * prompt}, {@code negative_prompt}, {@code img_url}: the first frame, here a {@code data:} URI) and
 * {@code parameters} ({@code size} or {@code resolution}, {@code duration}, {@code prompt_extend},
 * {@code seed}), answered with {@code output.task_id}; {@code GET /api/v1/tasks/{task_id}} for
 * {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED} with {@code output.video_url} (valid for a
 * day), {@code FAILED} with {@code output.code} and {@code message}, {@code CANCELED}; {@code POST
 * /api/v1/tasks/{task_id}/cancel} cancels a task still pending. Errors are {@code {"code",
 * "message", "request_id"}}. There is no free call to check a key.
 *
 * <p>The definition's fields are DashScope's names: {@code prompt}, {@code negative_prompt} and
 * {@code img_url} (as {@code img_url}, a Kino {@code *_url} field) go into {@code input}, the rest
 * into {@code parameters}.
 */
final class WanProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://dashscope-intl.aliyuncs.com/api/v1",
          List.of("api_key_env"),
          d -> Optional.empty());
  private static final Set<String> INPUT = Set.of("prompt", "negative_prompt", "img_url");

  private final InlineImages images;

  WanProvider(InlineImages images) {
    super(
        "wan",
        ACCOUNT,
        "task_id",
        new ProviderHttp(WanProvider::busy, body -> body.path("message").asString("")));
    this.images = images;
  }

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
    ObjectNode input = body.putObject("input");
    ObjectNode parameters = body.putObject("parameters");
    task.input()
        .properties()
        .forEach(
            field ->
                (INPUT.contains(field.getKey()) ? input : parameters)
                    .set(field.getKey(), field.getValue()));
    if (task.input().has("img_url")) {
      InlineImages.Image image = images.read("img_url", task.input().path("img_url").asString());
      input.put("img_url", image.dataUri());
    }
    JsonNode created =
        http.send(
            call(model, "/services/aigc/video-generation/video-synthesis")
                .header("X-DashScope-Async", "enable")
                .header("Content-Type", "application/json")
                .POST(ProviderHttp.json(body)));
    return recorded(created.path("output").path("task_id").asString(""), run);
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode output = http.send(call(model, "/tasks/" + enc(taskId(ticket))).GET()).path("output");
    return switch (output.path("task_status").asString("")) {
      case "PENDING" -> new Poll.Queued(-1);
      case "SUCCEEDED" ->
          new Poll.Done(
              JSON.createObjectNode().put("video", output.path("video_url").asString("")));
      case "FAILED", "UNKNOWN" ->
          new Poll.Failed(output.path("message").asString("no reason given"), output);
      case "CANCELED" -> new Poll.Cancelled();
      default -> new Poll.Running(-1, List.of());
    };
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException {
    ProviderHttp.Reply reply =
        http.exchange(
            call(model, "/tasks/" + enc(taskId(ticket)) + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()));
    return reply.status() < 300;
  }

  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    return read(
        refused.reply.body(), ProviderFailure.byStatus(refused.status), refused.getMessage());
  }

  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return read(failed.error(), Failures.FAILED, failed.message());
  }

  /**
   * DashScope's codes: {@code DataInspectionFailed} (and {@code IPInfringementSuspect}) its
   * moderation; {@code InvalidParameter} the input's; {@code InvalidApiKey} the key's; {@code
   * Arrearage} an account in arrears; {@code Throttling*} its rate and capacity limits (waited
   * out).
   */
  private static ProviderFailure read(JsonNode body, String otherwise, String message) {
    String code = body.path("code").asString("");
    String kind =
        switch (code) {
          case "DataInspectionFailed", "IPInfringementSuspect" -> Failures.CONTENT_REFUSED;
          case "InvalidParameter", "InvalidParameter.DataInspection" -> Failures.INVALID_INPUT;
          case "InvalidApiKey", "AccessDenied" -> Failures.AUTH;
          case "Arrearage" -> Failures.QUOTA;
          case "RequestTimeOut" -> Failures.TIMEOUT;
          default -> code.startsWith("Throttling") ? Failures.BUSY : otherwise;
        };
    return new ProviderFailure(kind, message).withProviderCode(code);
  }

  private static boolean busy(ProviderHttp.Reply reply) {
    return reply.status() == 429 || reply.body().path("code").asString("").startsWith("Throttling");
  }
}
