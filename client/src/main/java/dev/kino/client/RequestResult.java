package dev.kino.client;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A request's result: outputs once completed, the error once failed.
 *
 * @param metadata what the server says about the run (model, input as applied, timings, engine
 *     details)
 * @param raw the whole answer
 */
public record RequestResult(
    String requestId,
    RequestState state,
    Outputs outputs,
    Optional<String> errorCode,
    Optional<String> errorMessage,
    JsonNode metadata,
    JsonNode raw) {

  static RequestResult from(JsonNode body) {
    JsonNode error = body.path("error");
    return new RequestResult(
        body.path("request_id").asString(),
        RequestState.fromWire(body.path("status").asString()),
        Outputs.from(body.get("output")),
        error.isObject() ? Optional.of(error.path("code").asString()) : Optional.empty(),
        error.isObject() ? Optional.of(error.path("message").asString()) : Optional.empty(),
        body.path("metadata"),
        body);
  }
}
