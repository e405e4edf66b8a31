package dev.kino.engines.upstream;

import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code fal}: fal's queue API ({@code queue.fal.run}) with {@code Authorization: Key}. A
 * submit answers with the request id and the URLs to follow it by (status, response, cancel), which
 * are recorded in the job; the status gives {@code IN_QUEUE} with a queue position, {@code
 * IN_PROGRESS} with the runner's log lines, then {@code COMPLETED}, after which the response URL
 * holds the output, or the error. A queued or running request can be cancelled ({@code
 * CANCELLATION_REQUESTED}); one that has finished answers {@code ALREADY_COMPLETED}.
 *
 * <p>fal's Kling 3.0 apps take the seed fields under the same names except that durations are
 * strings and text-to-video's {@code sound} is {@code generate_audio}. fal's queue has no
 * idempotency key: a Kino killed in the instant between fal's answer and its recording would submit
 * again on the next attempt.
 */
final class FalProvider extends TaskProvider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://queue.fal.run", List.of("api_key_env"), d -> Optional.empty());

  FalProvider() {
    super(
        "fal",
        ACCOUNT,
        "request_id",
        new ProviderHttp(ProviderHttp::tooManyRequests, FalProvider::message));
  }

  @Override
  public boolean cancels() {
    return true;
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    HttpRequest.Builder submit =
        call(model, URI.create(model.baseUrl() + "/" + model.providerModel()))
            .header("Content-Type", "application/json")
            .POST(ProviderHttp.json(input(model, task.input())));
    JsonNode answer = http.send(submit);
    ObjectNode ticket = JSON.createObjectNode();
    for (String field : new String[] {"request_id", "status_url", "response_url", "cancel_url"}) {
      String value = answer.path(field).asString("");
      if (value.isBlank()) {
        throw new IOException("fal's submit answer has no " + field);
      }
      ticket.put(field, value);
    }
    run.record(ticket);
    return ticket;
  }

  /** The seed input in fal's words. */
  static ObjectNode input(UpstreamModel model, ObjectNode seed) {
    ObjectNode input = seed.deepCopy();
    if (!model.sendSeed()) {
      input.remove("seed");
    }
    if (input.has("sound")) {
      input.set("generate_audio", input.remove("sound"));
    }
    if (input.path("duration").isIntegralNumber()) {
      input.put("duration", String.valueOf(input.path("duration").asInt()));
    }
    for (JsonNode shot : input.path("multi_prompt")) {
      if (shot instanceof ObjectNode s && s.path("duration").isIntegralNumber()) {
        s.put("duration", String.valueOf(s.path("duration").asInt()));
      }
    }
    return input;
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    JsonNode status =
        http.send(call(model, sameOrigin(model, ticket, "status_url", "?logs=1")).GET());
    return switch (status.path("status").asString("")) {
      case "IN_QUEUE" -> new Poll.Queued(status.path("queue_position").asLong(-1));
      case "COMPLETED" ->
          status.hasNonNull("error")
              ? new Poll.Failed(message(status), status)
              : response(model, ticket);
      default -> {
        List<String> lines = new ArrayList<>();
        status.path("logs").forEach(line -> lines.add(line.path("message").asString("")));
        yield new Poll.Running(-1, lines);
      }
    };
  }

  /**
   * The output of a completed request, or its error: fal answers a failed request's response with
   * 4xx/5xx.
   */
  private Poll response(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    ProviderHttp.Reply reply =
        http.exchange(call(model, sameOrigin(model, ticket, "response_url", "")).GET());
    if (reply.status() < 300 && !reply.body().isMissingNode()) {
      return new Poll.Done(reply.body());
    }
    if (reply.body().has("detail")) {
      return new Poll.Failed(http.messageOf(reply), reply.body());
    }
    http.fail(reply);
    throw new IOException("fal answered " + reply.status());
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException {
    ProviderHttp.Reply reply =
        http.exchange(
            call(model, sameOrigin(model, ticket, "cancel_url", ""))
                .PUT(HttpRequest.BodyPublishers.noBody()));
    return reply.status() < 300
        && "CANCELLATION_REQUESTED".equals(reply.body().path("status").asString(""));
  }

  private static URI sameOrigin(UpstreamModel model, ObjectNode ticket, String field, String query)
      throws IOException {
    return model.sameOrigin(ticket.path(field).asString() + query, "fal's " + field);
  }

  private static HttpRequest.Builder call(UpstreamModel model, URI uri) {
    return ProviderHttp.request(uri).header("Authorization", "Key " + model.key());
  }

  /** A refused call in fal's terms (its error types), then by HTTP status. */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    String otherwise = ProviderFailure.byStatus(refused.status);
    if (refused.status == 403
        && refused.getMessage().toLowerCase(java.util.Locale.ROOT).contains("balance")) {
      otherwise = Failures.QUOTA; // fal locks an account whose balance is exhausted
    }
    return read(refused.reply.body(), otherwise, refused.getMessage());
  }

  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return read(failed.error(), Failures.FAILED, failed.message());
  }

  /**
   * fal's errors are typed: each {@code detail} item has a {@code type} and a {@code loc}, a failed
   * request's status an {@code error_type}. Moderation is {@code content_policy_violation}; the
   * time-outs end in {@code timeout}; the runner's and fal's own ({@code runner_*}, {@code
   * internal_*}, {@code downstream_*}) are fal's failures; any other item naming a field is the
   * input's.
   */
  private static ProviderFailure read(JsonNode body, String otherwise, String message) {
    JsonNode item = body.path("detail").path(0);
    String type = item.path("type").asString(body.path("error_type").asString(""));
    List<String> loc = new ArrayList<>();
    item.path("loc").forEach(l -> loc.add(l.asString()));
    if (!loc.isEmpty() && loc.getFirst().equals("body")) {
      loc.removeFirst();
    }
    String field = String.join(".", loc);
    String kind;
    if (type.equals("content_policy_violation")) {
      kind = Failures.CONTENT_REFUSED;
    } else if (type.endsWith("timeout")) {
      kind = Failures.TIMEOUT;
    } else if (type.equals("downstream_service_unavailable")) {
      kind = Failures.UNAVAILABLE;
    } else if (type.startsWith("runner_")
        || type.startsWith("internal_")
        || type.startsWith("downstream_")) {
      kind = Failures.FAILED;
    } else if (!field.isEmpty()) {
      kind = Failures.INVALID_INPUT;
    } else {
      kind = otherwise;
    }
    ProviderFailure failure = new ProviderFailure(kind, message).withProviderCode(type);
    return kind.equals(Failures.CONTENT_REFUSED) || kind.equals(Failures.INVALID_INPUT)
        ? failure.withField(field)
        : failure;
  }

  /**
   * fal's {@code detail}: a sentence, or a list of {@code {loc, msg}} for input errors; else {@code
   * error}.
   */
  private static String message(JsonNode body) {
    JsonNode detail = body.has("detail") ? body.get("detail") : body.path("error");
    if (detail.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode item : detail) {
        List<String> loc = new ArrayList<>();
        item.path("loc").forEach(l -> loc.add(l.asString()));
        parts.add(
            (loc.isEmpty() ? "" : String.join(".", loc) + ": ") + item.path("msg").asString(""));
      }
      return String.join("; ", parts);
    }
    return detail.isString() ? detail.asString() : detail.path("message").asString("");
  }
}
