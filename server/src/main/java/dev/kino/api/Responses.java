package dev.kino.api;

import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Writes JSON bodies with the project's one mapper. */
final class Responses {
  private Responses() {}

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status)
        .contentType("application/json")
        .result(JsonMapper.shared().writeValueAsBytes(body));
  }
}
