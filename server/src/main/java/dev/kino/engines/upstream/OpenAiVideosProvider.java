package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import dev.kino.engines.OutputFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code openai-videos}: the OpenAI Videos API's shape (api.openai.com/v1/videos, as
 * OpenAI's API reference and the official SDKs give it, 2026-12), which relays and other services
 * keep serving for their models since Sora is gone: {@code POST /videos} as multipart ({@code
 * prompt}, {@code model}, {@code seconds}, {@code size}, the start image as {@code
 * input_reference[image_url]}), {@code GET /videos/{id}} for {@code queued}, {@code in_progress}
 * with {@code progress} 0-100, {@code completed} or {@code failed} with {@code error}, then the MP4
 * from {@code GET /videos/{id}/content}, with the key (so Kino fetches it itself). There is no
 * cancel; no idempotency key either.
 */
final class OpenAiVideosProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://api.openai.com/v1", List.of("api_key_env"), d -> Optional.empty());

  OpenAiVideosProvider() {
    super(
        "openai-videos",
        ACCOUNT,
        "id",
        new ProviderHttp(OpenAiVideosProvider::busy, OpenAiVideosProvider::message));
  }

  @Override
  public boolean cancels() {
    return false;
  }

  /** {@code GET /models}: the key's models, free (relays that speak this API serve it too). */
  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    http.send(call(model, URI.create(model.baseUrl() + "/models")).GET());
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    Map<String, String> fields = fields(model, task.input());
    String boundary = "kino-" + UUID.randomUUID();
    JsonNode video =
        http.send(
            call(model, URI.create(model.baseUrl() + "/videos"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart(fields, boundary))));
    String id = video.path("id").asString("");
    if (id.isBlank()) {
      throw new IOException("the provider's video has no id");
    }
    ObjectNode ticket = JSON.createObjectNode().put("id", id);
    run.record(ticket);
    return ticket;
  }

  /** The seed input in the Videos API's words. */
  static Map<String, String> fields(UpstreamModel model, ObjectNode input) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("model", model.providerModel());
    fields.put("prompt", input.path("prompt").asString(""));
    if (input.path("duration").isIntegralNumber()) {
      fields.put("seconds", Integer.toString(input.path("duration").asInt()));
    }
    String size =
        switch (input.path("aspect_ratio").asString("")) {
          case "16:9" -> "1280x720";
          case "9:16" -> "720x1280";
          case "1:1" -> "720x720";
          default -> null;
        };
    if (size != null) {
      fields.put("size", size);
    }
    if (input.path("start_image_url").isString()) {
      fields.put("input_reference[image_url]", input.path("start_image_url").asString());
    }
    return fields;
  }

  private static String multipart(Map<String, String> fields, String boundary) {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (name, value) ->
            body.append("--")
                .append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"")
                .append(name)
                .append("\"\r\n\r\n")
                .append(value)
                .append("\r\n"));
    return body.append("--").append(boundary).append("--\r\n").toString();
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode video = http.send(call(model, videoUri(model, ticket, "")).GET());
    return switch (video.path("status").asString("")) {
      case "queued" -> new Poll.Queued(-1);
      case "completed" -> new Poll.Done(JSON.createObjectNode());
      case "failed" -> new Poll.Failed(message(video), video.path("error"));
      default -> new Poll.Running(video.path("progress").asDouble(-100) / 100.0, List.of());
    };
  }

  /** The MP4, from the content route with the key. */
  @Override
  public Optional<List<OutputFile>> keep(UpstreamModel model, ObjectNode ticket, Path workDir)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    return Optional.of(
        http.keepVideo(
            call(model, videoUri(model, ticket, "/content?variant=video")).GET(),
            workDir,
            "the provider's video"));
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket) {
    return false;
  }

  private static URI videoUri(UpstreamModel model, ObjectNode ticket, String rest) {
    return URI.create(
        model.baseUrl()
            + "/videos/"
            + java.net.URLEncoder.encode(ticket.path("id").asString(), StandardCharsets.UTF_8)
            + rest);
  }

  private static HttpRequest.Builder call(UpstreamModel model, URI uri) {
    return ProviderHttp.request(uri).header("Authorization", "Bearer " + model.key());
  }

  /**
   * OpenAI's errors are {@code {"error": {"message", "type", "param", "code"}}}: {@code
   * moderation_blocked} is its moderation, {@code insufficient_quota} an account out of credit
   * (also a 429, but not one to wait out), {@code param} the parameter at fault.
   */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    JsonNode error = refused.reply.body().path("error");
    ProviderFailure failure =
        read(error, ProviderFailure.byStatus(refused.status), refused.getMessage());
    return failure.code().equals(Failures.INVALID_INPUT)
        ? failure.withField(KINO_FIELDS.getOrDefault(error.path("param").asString(""), ""))
        : failure;
  }

  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return read(failed.error(), Failures.FAILED, failed.message());
  }

  private static ProviderFailure read(JsonNode error, String otherwise, String message) {
    String code = error.path("code").asString("");
    String kind =
        switch (code) {
          case "moderation_blocked", "content_policy_violation" -> Failures.CONTENT_REFUSED;
          case "insufficient_quota", "billing_hard_limit_reached" -> Failures.QUOTA;
          case "invalid_api_key" -> Failures.AUTH;
          case "rate_limit_exceeded" -> Failures.BUSY;
          default -> otherwise;
        };
    return new ProviderFailure(kind, message).withProviderCode(code);
  }

  /** The Videos API's parameters, by the Kino fields they come from ({@link #fields}). */
  private static final Map<String, String> KINO_FIELDS =
      Map.of(
          "prompt", "prompt",
          "seconds", "duration",
          "size", "aspect_ratio",
          "input_reference", "start_image_url");

  /** 429 is busy, unless the account is out of quota. */
  private static boolean busy(ProviderHttp.Reply reply) {
    return reply.status() == 429
        && !"insufficient_quota".equals(reply.body().path("error").path("code").asString(""));
  }

  /** The error's message: {@code {"error": {"message", "code"}}}. */
  private static String message(JsonNode body) {
    JsonNode error = body.path("error");
    String code = error.path("code").asString("");
    String text = error.path("message").asString("");
    return code.isBlank() || text.contains(code) ? text : code + ": " + text;
  }
}
