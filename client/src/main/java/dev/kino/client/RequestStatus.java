package dev.kino.client;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;

/**
 * A request's status.
 *
 * @param queuePosition while queued: how many requests run before it (0: next)
 * @param progress while running, when the engine knows: 0..1
 * @param logs the engine's latest log lines, oldest first
 * @param raw the whole answer, for fields this class does not name
 */
public record RequestStatus(
    String requestId,
    RequestState state,
    OptionalLong queuePosition,
    Optional<Double> progress,
    int attempt,
    List<String> logs,
    JsonNode raw) {

  static RequestStatus from(JsonNode body) {
    JsonNode position = body.get("queue_position");
    JsonNode progress = body.get("progress");
    List<String> logs = new java.util.ArrayList<>();
    body.path("logs").forEach(line -> logs.add(line.path("message").asString()));
    return new RequestStatus(
        body.path("request_id").asString(),
        RequestState.fromWire(body.path("status").asString()),
        position != null && position.isNumber()
            ? OptionalLong.of(position.asLong())
            : OptionalLong.empty(),
        progress != null && progress.isNumber()
            ? Optional.of(progress.asDouble())
            : Optional.empty(),
        body.path("attempt").asInt(0),
        List.copyOf(logs),
        body);
  }
}
