package dev.kino.models;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a schema written the way the seed pages write them into valid JSON Schema (2020-12),
 * without changing what it accepts: type names such as {@code float} become {@code number}; an
 * {@code items} that lists properties directly (as the text-to-video pages do for {@code
 * multi_prompt}) becomes an object schema with those properties; and objects refuse unknown fields,
 * so a misspelt field is an error rather than silently ignored. A schema that already says {@code
 * additionalProperties} keeps its own choice.
 */
final class SchemaNormaliser {
  private static final Map<String, String> TYPE_NAMES =
      Map.of(
          "float", "number", "double", "number", "int", "integer", "str", "string", "bool",
          "boolean");

  private SchemaNormaliser() {}

  /** The additive field every model accepts: same seed and input, same output. */
  static final String SEED = "seed";

  static final long MAX_SEED = 4_294_967_295L;

  static ObjectNode normalise(ObjectNode schema) {
    ObjectNode copy = schema.deepCopy();
    visit(copy);
    addSeed(copy);
    return copy;
  }

  /**
   * Every model takes an optional integer {@code seed} (an addition to the seed pages' schemas);
   * when a request has none, one is chosen at submit and stored with the input, so a rerun or retry
   * reproduces the output.
   */
  private static void addSeed(ObjectNode schema) {
    if (!(schema.get("properties") instanceof ObjectNode properties) || properties.has(SEED)) {
      return;
    }
    ObjectNode seed = properties.putObject(SEED);
    seed.put("title", "Seed");
    seed.put(
        "description",
        "Makes the output reproducible: the same input and seed give the same video. Chosen at random and reported when absent.");
    seed.put("type", "integer");
    seed.put("minimum", 0);
    seed.put("maximum", MAX_SEED);
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

  /**
   * True for {@code {"prompt": {"type": ...}, "duration": {"type": ...}}}: no keywords, only
   * sub-schemas.
   */
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
