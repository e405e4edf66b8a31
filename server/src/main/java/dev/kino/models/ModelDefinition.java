package dev.kino.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One model as an operator declares it in a definition file: what it is, which engine runs it and
 * with what settings, and the schemas of its input (normalised to valid JSON Schema) and output.
 *
 * @param source where the definition was read from, for messages
 */
public record ModelDefinition(
    String id,
    String title,
    String description,
    String category,
    String kind,
    String engine,
    ObjectNode engineSettings,
    ObjectNode inputSchema,
    ObjectNode outputSchema,
    Optional<ModelPricing> pricing,
    String source) {

  /**
   * The output fields a completed job must have: the output schema's {@code required} when it says,
   * otherwise {@code video} when the schema has one (a video model that produced no video has not
   * succeeded, whatever its engine says). The schema may be the output's own or, as in the seed's
   * definitions, wrapped in {@code output}.
   */
  public List<String> requiredOutputs() {
    // The seed's definitions wrap the output's schema in "output"; an operator's may not.
    JsonNode schema =
        outputSchema.path("output").isObject() ? outputSchema.get("output") : outputSchema;
    JsonNode required = schema.get("required");
    if (required != null && required.isArray()) {
      List<String> fields = new ArrayList<>();
      required.forEach(f -> fields.add(f.asString()));
      return fields;
    }
    return schema.path("properties").has("video") ? List.of("video") : List.of();
  }
}
