package dev.kino.client;

import tools.jackson.databind.JsonNode;

/**
 * A model in the server's catalogue; the schemas are present when asked for (a single model always
 * has them).
 */
public record ModelInfo(
    String id,
    String title,
    String description,
    String category,
    String kind,
    String engine,
    JsonNode inputSchema,
    JsonNode outputSchema) {

  static ModelInfo from(JsonNode m) {
    return new ModelInfo(
        m.path("id").asString(),
        m.path("title").asString(),
        m.path("description").asString(),
        m.path("category").asString(),
        m.path("kind").asString(),
        m.path("engine").asString(),
        m.path("input_schema"),
        m.path("output_schema"));
  }
}
