package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import dev.kino.models.FieldProblem;
import dev.kino.models.InputRule;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code luma}: Luma's Dream Machine API (docs.lumalabs.ai, its API reference and
 * openapi.yaml in lumalabs/lumaai-api, read 2026-12): {@code Authorization: Bearer}; {@code POST
 * /dream-machine/v1/generations/video} with {@code prompt}, {@code model}, {@code resolution},
 * {@code duration}, {@code aspect_ratio}, {@code loop} and {@code keyframes} ({@code frame0}: an
 * image by URL, which Luma fetches itself), answered with the generation's {@code id}; {@code GET
 * /dream-machine/v1/generations/{id}} for {@code queued}, {@code dreaming}, {@code completed} with
 * {@code assets.video}, or {@code failed} with {@code failure_reason}. {@code GET
 * /dream-machine/v1/credits} reads the balance: the start-up check of the key. No cancel (a
 * generation can only be deleted), no idempotency key.
 *
 * <p>The definition's fields are Luma's, under its names; the first frame is {@code
 * frame0_image_url}, sent as {@code keyframes.frame0} — a URL Luma can reach, so a {@code data:}
 * URI is refused at submit.
 */
final class LumaProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://api.lumalabs.ai/dream-machine/v1",
          List.of("api_key_env"),
          d -> Optional.empty());
  private static final String FRAME = "frame0_image_url";

  LumaProvider() {
    super(
        "luma",
        ACCOUNT,
        "generation_id",
        new ProviderHttp(ProviderHttp::tooManyRequests, body -> body.path("detail").asString("")));
  }

  @Override
  public boolean cancels() {
    return false;
  }

  /** Luma fetches the keyframe itself: it must be a URL, not inline data. */
  @Override
  public Optional<InputRule> inputRule(UpstreamModel model) {
    return Optional.of(
        input ->
            input.path(FRAME).asString("").regionMatches(true, 0, "data:", 0, 5)
                ? List.of(
                    new FieldProblem(
                        FRAME,
                        "engine_limit",
                        "Luma fetches the first frame itself: give a URL it can reach, not a data: URI"))
                : List.of());
  }

  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    http.send(call(model, "/credits").GET());
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    ObjectNode body = JSON.createObjectNode().put("model", model.providerModel());
    copied(task.input(), Set.of(FRAME), body);
    if (task.input().has(FRAME)) {
      body.putObject("keyframes")
          .putObject("frame0")
          .put("type", "image")
          .put("url", task.input().path(FRAME).asString());
    }
    JsonNode created =
        http.send(
            call(model, "/generations/video")
                .header("Content-Type", "application/json")
                .POST(ProviderHttp.json(body)));
    return recorded(created.path("id").asString(""), run);
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode generation = http.send(call(model, "/generations/" + enc(taskId(ticket))).GET());
    return switch (generation.path("state").asString("")) {
      case "queued" -> new Poll.Queued(-1);
      case "completed" ->
          new Poll.Done(
              JSON.createObjectNode()
                  .put("video", generation.path("assets").path("video").asString("")));
      case "failed" ->
          new Poll.Failed(
              generation.path("failure_reason").asString("no reason given"), generation);
      default -> new Poll.Running(-1, List.of());
    };
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket) {
    return false;
  }

  /** Luma's {@code detail}: the words say moderation and credits; otherwise the HTTP status. */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    return read(refused.getMessage(), ProviderFailure.byStatus(refused.status));
  }

  /** A failed generation's {@code failure_reason}, in words. */
  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return read(failed.message(), Failures.FAILED);
  }

  private static ProviderFailure read(String message, String otherwise) {
    ProviderFailure words = ProviderFailure.fromText(message);
    if (!words.code().equals(Failures.FAILED)) {
      return words;
    }
    String text = message.toLowerCase(Locale.ROOT);
    boolean broke = text.contains("insufficient credit") || text.contains("not enough credit");
    return new ProviderFailure(broke ? Failures.QUOTA : otherwise, message);
  }
}
