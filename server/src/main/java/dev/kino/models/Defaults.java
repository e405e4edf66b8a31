package dev.kino.models;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fills absent fields with their schema defaults, including inside objects in arrays (multi_prompt
 * items).
 */
final class Defaults {
  private Defaults() {}

  static void apply(JsonNode schema, ObjectNode input) {
    if (!(schema.get("properties") instanceof ObjectNode properties)) {
      return;
    }
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      String name = property.getKey();
      JsonNode fieldSchema = property.getValue();
      JsonNode value = input.get(name);
      if (value == null && fieldSchema.has("default") && !isRequired(schema, name)) {
        input.set(name, fieldSchema.get("default").deepCopy());
      } else if (value instanceof ObjectNode object) {
        apply(fieldSchema, object);
      } else if (value instanceof ArrayNode array && fieldSchema.get("items") != null) {
        for (JsonNode element : array) {
          if (element instanceof ObjectNode object) {
            apply(fieldSchema.get("items"), object);
          }
        }
      }
    }
  }

  /** A required field's default is only an example for people (the seeds give one for prompt). */
  private static boolean isRequired(JsonNode schema, String name) {
    JsonNode required = schema.get("required");
    if (required == null) {
      return false;
    }
    for (JsonNode r : required) {
      if (name.equals(r.asString())) {
        return true;
      }
    }
    return false;
  }
}
