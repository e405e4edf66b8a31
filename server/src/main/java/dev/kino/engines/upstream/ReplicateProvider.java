package dev.kino.engines.upstream;

import dev.kino.engines.EngineTask;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code replicate}: Replicate's predictions API (api.replicate.com/v1, as documented in its
 * HTTP API reference, 2026-12) with {@code Authorization: Bearer}. {@code POST
 * /models/{owner}/{name}/predictions} with {@code {"input": ...}} answers the prediction with its
 * {@code id} and {@code urls.get} / {@code urls.cancel}, recorded in the job; {@code urls.get}
 * answers {@code status} {@code starting}, {@code processing} (with the model's {@code logs} as one
 * text), then {@code succeeded} with {@code output} (a URL, or a list of them), {@code failed} with
 * {@code error}, or {@code canceled}; {@code POST urls.cancel} stops it. The model's input goes as
 * Kino validated it: a definition for a Replicate model names its fields in the model's own schema.
 * Replicate has no idempotency key: a Kino killed between the answer and its recording would create
 * a second prediction on the next attempt.
 */
final class ReplicateProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://api.replicate.com/v1", List.of("api_key_env"), d -> Optional.empty());

  ReplicateProvider() {
    super(
        "replicate",
        ACCOUNT,
        "id",
        new ProviderHttp(ProviderHttp::tooManyRequests, ReplicateProvider::message));
  }

  @Override
  public boolean cancels() {
    return true;
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode input = task.input().deepCopy();
    if (!model.sendSeed()) {
      input.remove("seed");
    }
    body.set("input", input);
    JsonNode answer =
        http.send(
            call(
                    model,
                    URI.create(
                        model.baseUrl() + "/models/" + model.providerModel() + "/predictions"))
                .header("Content-Type", "application/json")
                .POST(ProviderHttp.json(body)));
    ObjectNode ticket = JSON.createObjectNode();
    ticket.put("id", required(answer.path("id"), "id"));
    ticket.put("get", required(answer.at("/urls/get"), "urls.get"));
    ticket.put("cancel", required(answer.at("/urls/cancel"), "urls.cancel"));
    run.record(ticket);
    return ticket;
  }

  private static String required(JsonNode value, String name) throws IOException {
    if (!value.isString() || value.asString().isBlank()) {
      throw new IOException("Replicate's prediction has no " + name);
    }
    return value.asString();
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode prediction = http.send(call(model, sameOrigin(model, ticket, "get")).GET());
    return switch (prediction.path("status").asString("")) {
      case "starting" -> new Poll.Queued(-1);
      case "succeeded" -> new Poll.Done(output(prediction.path("output")));
      case "failed" -> new Poll.Failed(message(prediction));
      case "canceled" -> new Poll.Cancelled();
      default -> {
        List<String> lines = new ArrayList<>();
        for (String line : prediction.path("logs").asString("").split("\n")) {
          if (!line.isBlank()) {
            lines.add(line);
          }
        }
        yield new Poll.Running(-1, lines);
      }
    };
  }

  /** A video model's output: its URL, or the first of a list, as the seed's {@code video}. */
  static JsonNode output(JsonNode output) {
    JsonNode url = output.isArray() ? output.path(0) : output;
    ObjectNode seed = JSON.createObjectNode();
    if (url.isString()) {
      seed.put("video", url.asString());
    } else if (url.isObject() && url.path("url").isString()) {
      seed.put("video", url.path("url").asString());
    }
    return seed;
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException {
    ProviderHttp.Reply reply =
        http.exchange(
            call(model, sameOrigin(model, ticket, "cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    return reply.status() < 300;
  }

  private static URI sameOrigin(UpstreamModel model, ObjectNode ticket, String field)
      throws IOException {
    return model.sameOrigin(ticket.path(field).asString(), "Replicate's " + field + " URL");
  }

  private static HttpRequest.Builder call(UpstreamModel model, URI uri) {
    return ProviderHttp.request(uri).header("Authorization", "Bearer " + model.key());
  }

  /** {@code GET /account}: the token's account, free. */
  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    http.send(call(model, URI.create(model.baseUrl() + "/account")).GET());
  }

  /**
   * Replicate's refusals: 422 names the invalid fields ({@code invalid_fields}), 402 is an account
   * out of credit, 401 a wrong token.
   */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    ProviderFailure failure = ProviderFailure.ofStatus(refused);
    JsonNode invalid = refused.reply.body().path("invalid_fields").path(0);
    String field = invalid.path("field").asString("").replaceFirst("^input\\.", "");
    return failure.withField(field.equals("input") ? "" : field);
  }

  /** A failed prediction's {@code error} is text; Replicate marks moderation with E005. */
  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    ProviderFailure failure = ProviderFailure.fromText(failed.message());
    java.util.regex.Matcher code =
        java.util.regex.Pattern.compile("\\((E\\d{3,5})\\)").matcher(failed.message());
    return code.find() ? failure.withProviderCode(code.group(1)) : failure;
  }

  /** Replicate's {@code error} of a prediction, or {@code detail} of a refused call. */
  private static String message(JsonNode body) {
    if (body.path("error").isString()) {
      return body.path("error").asString();
    }
    return body.path("detail").asString(body.path("title").asString(""));
  }
}
