package dev.kino.cli.user;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One command-line flag per field of a model's input schema, so a new model needs no CLI code:
 * {@code aspect_ratio} becomes {@code --aspect-ratio}. Strings (enums list their values), whole
 * numbers and numbers take a value; booleans take none or {@code true}/{@code false}; lists of
 * strings repeat the flag; other lists and objects take JSON. The server validates the values
 * against the schema and its messages are shown.
 */
final class FieldFlags {
  private final Map<String, String> fieldByFlag = new LinkedHashMap<>();
  private final Map<String, String> kindByField = new LinkedHashMap<>();

  /** Adds a flag per property of the schema to the spec. */
  FieldFlags(JsonNode inputSchema, CommandSpec spec) {
    JsonNode required = inputSchema.path("required");
    List<String> mandatory = new ArrayList<>();
    required.forEach(r -> mandatory.add(r.asString()));
    for (Map.Entry<String, JsonNode> property : inputSchema.path("properties").properties()) {
      String field = property.getKey();
      JsonNode schema = property.getValue();
      String flag = "--" + field.replace('_', '-');
      if (spec.optionsMap().containsKey(flag)) {
        continue; // a field named like one of run's own options keeps --set as its way in
      }
      String kind = kind(schema);
      fieldByFlag.put(flag, field);
      kindByField.put(field, kind);
      OptionSpec.Builder option =
          OptionSpec.builder(flag).description(describe(schema, mandatory.contains(field)));
      switch (kind) {
        case "integer" -> option.type(Long.class).paramLabel("N");
        case "number" -> option.type(Double.class).paramLabel("X");
        case "boolean" ->
            option.type(Boolean.class).arity("0..1").fallbackValue("true").paramLabel("true|false");
        case "strings" -> option.type(List.class).auxiliaryTypes(String.class).paramLabel("TEXT");
        case "json" -> option.type(String.class).paramLabel("JSON");
        default -> {
          option.type(String.class).paramLabel(schema.has("enum") ? "VALUE" : "TEXT");
          if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.path("enum").forEach(v -> values.add(v.asString()));
            option.completionCandidates(values);
          }
        }
      }
      spec.addOption(option.build());
    }
  }

  /** The fields given as flags, as JSON values, on top of {@code input}. */
  void apply(ParseResult parsed, ObjectNode input) {
    for (Map.Entry<String, String> entry : fieldByFlag.entrySet()) {
      if (!parsed.hasMatchedOption(entry.getKey())) {
        continue;
      }
      String field = entry.getValue();
      Object value = parsed.matchedOptionValue(entry.getKey(), null);
      switch (kindByField.get(field)) {
        case "json" -> input.set(field, json(parsed, entry.getKey(), (String) value));
        default -> input.set(field, JsonMapper.shared().valueToTree(value));
      }
    }
  }

  /** The flag for a field, to point at it in an error (the field itself when it has no flag). */
  String flagFor(String field) {
    for (Map.Entry<String, String> entry : fieldByFlag.entrySet()) {
      if (entry.getValue().equals(field)) {
        return entry.getKey();
      }
    }
    return field;
  }

  private static String kind(JsonNode schema) {
    String type = schema.path("type").asString("string");
    return switch (type) {
      case "integer", "number", "boolean" -> type;
      case "float" -> "number";
      case "array" ->
          schema.path("items").path("type").asString("").equals("string") ? "strings" : "json";
      case "object" -> "json";
      default -> "string";
    };
  }

  private static String describe(JsonNode schema, boolean required) {
    StringBuilder text = new StringBuilder(schema.path("description").asString("").strip());
    if (schema.has("enum")) {
      List<String> values = new ArrayList<>();
      schema.path("enum").forEach(v -> values.add(v.asString()));
      text.append(" One of: ").append(String.join(", ", values)).append('.');
    }
    if (schema.has("minimum") || schema.has("maximum")) {
      text.append(
          String.format(
              Locale.ROOT,
              " Range %s..%s.",
              schema.path("minimum").asString("-"),
              schema.path("maximum").asString("-")));
    }
    if (schema.has("default")) {
      String value =
          schema.get("default").isString()
              ? schema.get("default").asString()
              : schema.get("default").toString();
      text.append(" Default: ")
          .append(value.length() > 60 ? value.substring(0, 57) + "..." : value)
          .append('.');
    }
    if (required) {
      text.append(" Required.");
    }
    // Picocli reads % as a format character in descriptions.
    return text.toString().replace("%", "%%");
  }

  private static JsonNode json(ParseResult parsed, String flag, String text) {
    try {
      return JsonMapper.shared().readTree(text);
    } catch (JacksonException e) {
      throw new CommandLine.ParameterException(
          parsed.commandSpec().commandLine(),
          flag + " takes JSON, and this is not valid JSON: " + e.getOriginalMessage());
    }
  }
}
