package dev.kino.models;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a schema written the way the seed pages write them into valid JSON Schema (2020-12), without changing
 * what it accepts: type names such as {@code float} become {@code number}; an {@code items} that lists
 * properties directly (as the text-to-video pages do for {@code multi_prompt}) becomes an object schema with
 * those properties; and objects refuse unknown fields, so a misspelt field is an error rather than silently
 * ignored. A schema that already says {@code additionalProperties} keeps its own choice.
 */
final class SchemaNormaliser {
  private static final Map<String, String> TYPE_NAMES =
      Map.of("float", "number", "double", "number", "int", "integer", "str", "string", "bool", "boolean");

  private SchemaNormaliser() {}

  static ObjectNode normalise(ObjectNode schema) {
    ObjectNode copy = schema.deepCopy();
    visit(copy);
    return copy;
  }

  private static void visit(ObjectNode schema) {
    JsonNode type = schema.get("type");
    if (type != null && type.isString() && TYPE_NAMES.containsKey(type.asString())) {
      schema.put("type", TYPE_NAMES.get(type.asString()));
    }
    JsonNode items = schema.get("items");
    if (items instanceof ObjectNode itemSchema) {
      if (listsPropertiesDirectly(itemSchema)) {
        ObjectNode wrapped = schema.objectNode();
        wrapped.put("type", "object");
        wrapped.set("properties", itemSchema.deepCopy());
        schema.set("items", wrapped);
        itemSchema = wrapped;
      }
      visit(itemSchema);
    }
    if (schema.get("properties") instanceof ObjectNode properties) {
      if (!schema.has("type")) {
        schema.put("type", "object");
      }
      for (Map.Entry<String, JsonNode> property : properties.properties()) {
        if (property.getValue() instanceof ObjectNode child) {
          visit(child);
        }
      }
      if (!schema.has("additionalProperties")) {
        schema.put("additionalProperties", false);
      }
    }
  }

  /** True for {@code {"prompt": {"type": ...}, "duration": {"type": ...}}}: no keywords, only sub-schemas. */
  private static boolean listsPropertiesDirectly(ObjectNode items) {
    if (items.isEmpty() || items.has("type") || items.has("properties") || items.has("$ref")) {
      return false;
    }
    for (Map.Entry<String, JsonNode> entry : items.properties()) {
      if (!(entry.getValue() instanceof ObjectNode child) || !child.has("type")) {
        return false;
      }
    }
    return true;
  }
}
