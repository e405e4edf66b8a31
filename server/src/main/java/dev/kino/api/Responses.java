package dev.kino.api;

import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Writes JSON bodies with the project's one mapper. */
final class Responses {
  private Responses() {}

  /** Writes the body, and gives back the bytes written. */
  static byte[] json(Context ctx, int status, JsonNode body) {
    byte[] bytes = JsonMapper.shared().writeValueAsBytes(body);
    ctx.status(status).contentType("application/json").result(bytes);
    return bytes;
  }
}
