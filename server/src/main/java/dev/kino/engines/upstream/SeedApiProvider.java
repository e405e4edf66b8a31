package dev.kino.engines.upstream;

import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code runcomfy}: a provider serving the seed API itself (RunComfy's Model API, or another
 * Kino, which federates two Kinos): submit, status, result, cancel, with a Bearer key. The submit
 * carries an Idempotency-Key made from the job id, so a provider that honours it (Kino does)
 * answers a repeated submit with the first request instead of a second run.
 */
final class SeedApiProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://model-api.runcomfy.net", List.of("api_key_env"), d -> Optional.of(d.id()));

  SeedApiProvider() {
    super(
        "runcomfy",
        ACCOUNT,
        "request_id",
        new ProviderHttp(ProviderHttp::tooManyRequests, SeedApiProvider::message));
  }

  @Override
  public boolean cancels() {
    return true;
  }

  /** The catalogue, one model long: read with the key, it spends nothing. */
  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    http.send(call(model, "/v1/models?limit=1").GET());
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    ObjectNode input = task.input().deepCopy();
    if (!model.sendSeed()) {
      input.remove("seed");
    }
    HttpRequest.Builder submit =
        call(model, "/v1/models/" + model.providerModel())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "kino-" + task.jobId())
            .POST(ProviderHttp.json(input));
    String id = http.send(submit).path("request_id").asString("");
    if (id.isBlank()) {
      throw new IOException("the provider's submit answer has no request_id");
    }
    ObjectNode ticket =
        JsonMapper.shared()
            .createObjectNode()
            .put("request_id", id)
            .put("provider", model.baseUrl().toString());
    run.record(ticket);
    return ticket;
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    String id = taskId(ticket);
    JsonNode status = http.send(call(model, "/v1/requests/" + enc(id) + "/status").GET());
    return switch (status.path("status").asString("")) {
      case "completed", "succeeded" -> new Poll.Done(result(model, id).path("output"));
      case "failed" -> {
        JsonNode error = result(model, id).path("error");
        yield new Poll.Failed(
            error.isString()
                ? error.asString()
                : error.path("message").asString(error.path("code").asString("no reason given")),
            error);
      }
      case "cancelled" -> new Poll.Cancelled();
      case "in_queue" -> new Poll.Queued(status.path("queue_position").asLong(-1));
      default -> new Poll.Running(status.path("progress").asDouble(-1), List.of());
    };
  }

  private JsonNode result(UpstreamModel model, String id)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    return http.send(call(model, "/v1/requests/" + enc(id) + "/result").GET());
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode answer =
        http.send(
            call(model, "/v1/requests/" + enc(taskId(ticket)) + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()));
    return answer.path("outcome").asString("not_cancellable").equals("cancelled");
  }

  /**
   * The seed platform's refusals: an invalid input is a 422 (another Kino names the fields in
   * {@code detail.errors}); else by HTTP status.
   */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    JsonNode detail = refused.reply.body().path("detail");
    ProviderFailure failure =
        ProviderFailure.ofStatus(refused).withProviderCode(detail.path("reason").asString(""));
    return failure.code().equals(Failures.INVALID_INPUT)
        ? failure.withField(detail.path("errors").path(0).path("path").asString(""))
        : failure;
  }

  /** Another Kino's failed job already has one of these codes; any other is a failure there. */
  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    String code = failed.error().path("code").asString("");
    return new ProviderFailure(Failures.isKnown(code) ? code : Failures.FAILED, failed.message())
        .withProviderCode(code);
  }

  /** The seed platform's {@code error_message}, else a nested or plain {@code message}. */
  private static String message(JsonNode body) {
    return body.path("error_message")
        .asString(body.path("error").path("message").asString(body.path("message").asString("")));
  }
}
