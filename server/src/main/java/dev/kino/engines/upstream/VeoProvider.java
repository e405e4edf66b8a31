package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import dev.kino.engines.OutputFile;
import dev.kino.models.FieldProblem;
import dev.kino.models.InputRule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code veo}: Google's Veo through the Gemini API, as its video generation guide and REST
 * reference give it (ai.google.dev/gemini-api/docs/video, read 2026-12): {@code POST
 * /v1beta/models/{model}:predictLongRunning} with {@code x-goog-api-key}, a body of {@code
 * instances: [{prompt, image: {bytesBase64Encoded, mimeType}}]} and {@code parameters} ({@code
 * aspectRatio}, {@code durationSeconds}, {@code resolution}, {@code negativePrompt}, {@code
 * personGeneration}, {@code seed}), answered with a long-running operation's {@code name}; {@code
 * GET /v1beta/{name}} until {@code done}, then {@code response.generateVideoResponse}: {@code
 * generatedSamples[].video.uri} (downloaded with the key, so Kino fetches it itself), or the count
 * and reasons of samples its safety filters removed; or {@code error} ({@code code}, {@code
 * message}, {@code status}). Errors are Google's {@code {"error": {code, message, status,
 * details}}}. An operation cannot be cancelled through the Gemini API; there is no idempotency key.
 * Audio is the model's own (Veo 3.1 always makes it).
 *
 * <p>The definition's input fields are Veo's parameters under their own names, plus {@code prompt}
 * and {@code image_url} (the first frame, sent inline); everything but those two goes into {@code
 * parameters} as it is.
 */
final class VeoProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://generativelanguage.googleapis.com/v1beta",
          List.of("api_key_env"),
          d -> Optional.empty());
  private static final Set<String> NOT_PARAMETERS = Set.of("prompt", "image_url");

  private final InlineImages images;

  VeoProvider(InlineImages images) {
    super(
        "veo",
        ACCOUNT,
        "operation",
        new ProviderHttp(ProviderHttp::tooManyRequests, VeoProvider::message));
    this.images = images;
  }

  @Override
  public boolean cancels() {
    return false;
  }

  /** Veo makes 1080p and 4k only as 8-second videos. */
  @Override
  public Optional<InputRule> inputRule(UpstreamModel model) {
    return Optional.of(
        input -> {
          String resolution = input.path("resolution").asString("720p");
          if (!resolution.equals("720p") && input.path("durationSeconds").asInt(8) != 8) {
            return List.of(
                new FieldProblem(
                    "durationSeconds",
                    "engine_limit",
                    "Veo makes " + resolution + " videos 8 seconds long only"));
          }
          return List.of();
        });
  }

  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    http.send(call(model, URI.create(model.baseUrl() + "/models?pageSize=1")).GET());
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode instance = body.putArray("instances").addObject();
    instance.put("prompt", task.input().path("prompt").asString(""));
    if (task.input().path("image_url").isString()) {
      InlineImages.Image image =
          images.read("image_url", task.input().path("image_url").asString());
      instance
          .putObject("image")
          .put("bytesBase64Encoded", image.base64())
          .put("mimeType", image.contentType());
    }
    ObjectNode parameters = body.putObject("parameters");
    copied(task.input(), NOT_PARAMETERS, parameters);
    JsonNode operation =
        http.send(
            call(
                    model,
                    URI.create(
                        model.baseUrl()
                            + "/models/"
                            + model.providerModel()
                            + ":predictLongRunning"))
                .header("Content-Type", "application/json")
                .POST(ProviderHttp.json(body)));
    return recorded(operation.path("name").asString(""), run);
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode operation = http.send(call(model, operationUri(model, ticket)).GET());
    if (!operation.path("done").asBoolean(false)) {
      double percent = operation.path("metadata").path("progressPercent").asDouble(-100);
      return new Poll.Running(percent < 0 ? -1 : percent / 100.0, List.of());
    }
    if (operation.has("error")) {
      return new Poll.Failed(
          operation.path("error").path("message").asString("no reason given"),
          operation.path("error"));
    }
    JsonNode response = operation.path("response").path("generateVideoResponse");
    JsonNode uri = response.path("generatedSamples").path(0).path("video").path("uri");
    if (!uri.isString()) {
      int filtered = response.path("raiMediaFilteredCount").asInt(0);
      String reasons =
          String.join(
              "; ",
              response
                  .path("raiMediaFilteredReasons")
                  .valueStream()
                  .map(JsonNode::asString)
                  .toList());
      return new Poll.Failed(
          filtered > 0
              ? "Veo's safety filters removed the video: " + reasons
              : "Veo finished without a video",
          JSON.createObjectNode().put("status", filtered > 0 ? "RAI_FILTERED" : "NO_VIDEO"));
    }
    return new Poll.Done(JSON.createObjectNode().put("video", uri.asString()));
  }

  /** The video, from its file URI with the key (at the API's own origin only). */
  @Override
  public Optional<List<OutputFile>> keep(UpstreamModel model, ObjectNode ticket, Path workDir)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    Poll done = poll(model, ticket);
    if (!(done instanceof Poll.Done video)) {
      throw new IOException("Veo's operation is no longer done");
    }
    URI uri = model.sameOrigin(video.output().path("video").asString(), "Veo's video uri");
    return Optional.of(http.keepVideo(call(model, uri).GET(), workDir, "Veo's video"));
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket) {
    return false;
  }

  /**
   * Google's canonical statuses: INVALID_ARGUMENT is the input's fault, unless the key is
   * (API_KEY_INVALID) or the words are moderation's; PERMISSION_DENIED and UNAUTHENTICATED the
   * key's; RESOURCE_EXHAUSTED a rate or quota limit, to wait out (a 429); FAILED_PRECONDITION an
   * account without billing; DEADLINE_EXCEEDED a time-out.
   */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    JsonNode error = refused.reply.body().path("error");
    ProviderFailure failure =
        read(error, ProviderFailure.byStatus(refused.status), refused.getMessage());
    if (!failure.code().equals(Failures.INVALID_INPUT)) {
      return failure;
    }
    // A BadRequest detail names the field: "parameters.durationSeconds", "instances[0].prompt".
    String field =
        error
            .path("details")
            .valueStream()
            .flatMap(d -> d.path("fieldViolations").valueStream())
            .map(v -> v.path("field").asString(""))
            .findFirst()
            .orElse("")
            .replaceFirst("^(parameters|instances\\[0\\])\\.", "");
    return failure.withField(field.equals("image") ? "image_url" : field);
  }

  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return read(failed.error(), Failures.FAILED, failed.message());
  }

  private static ProviderFailure read(JsonNode error, String otherwise, String message) {
    String status = error.path("status").asString("");
    boolean keyRefused =
        error
            .path("details")
            .valueStream()
            .anyMatch(d -> d.path("reason").asString("").equals("API_KEY_INVALID"));
    String kind =
        keyRefused
            ? Failures.AUTH
            : switch (status) {
              case "RAI_FILTERED" -> Failures.CONTENT_REFUSED;
              case "INVALID_ARGUMENT" ->
                  ProviderFailure.fromText(message).code().equals(Failures.CONTENT_REFUSED)
                      ? Failures.CONTENT_REFUSED
                      : Failures.INVALID_INPUT;
              case "PERMISSION_DENIED", "UNAUTHENTICATED" -> Failures.AUTH;
              case "RESOURCE_EXHAUSTED" -> Failures.BUSY;
              case "FAILED_PRECONDITION" -> Failures.QUOTA;
              case "UNAVAILABLE" -> Failures.UNAVAILABLE;
              case "DEADLINE_EXCEEDED" -> Failures.TIMEOUT;
              default -> otherwise;
            };
    return new ProviderFailure(kind, message).withProviderCode(status);
  }

  private static URI operationUri(UpstreamModel model, ObjectNode ticket) throws IOException {
    String name = ticket.path("operation").asString();
    if (name.contains("..") || name.startsWith("/") || !name.matches("[A-Za-z0-9._/-]+")) {
      throw new IOException("Veo's operation name " + name + " is not one Kino follows");
    }
    return URI.create(model.baseUrl() + "/" + name);
  }

  private static HttpRequest.Builder call(UpstreamModel model, URI uri) {
    return ProviderHttp.request(uri).header("x-goog-api-key", model.key());
  }

  private static String message(JsonNode body) {
    return body.path("error").path("message").asString("");
  }
}
