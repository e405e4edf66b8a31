package dev.kino.models;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a request body against a model's input schema with a maintained JSON Schema validator,
 * then applies defaults and the cross-field rules. Reports every problem with its field path.
 */
final class InputValidator {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private static final Logger LOG = LoggerFactory.getLogger(InputValidator.class);
  private final ObjectNode schemaNode;
  private final Schema schema;

  InputValidator(ObjectNode normalisedSchema) {
    this.schemaNode = normalisedSchema;
    this.schema = REGISTRY.getSchema(normalisedSchema);
  }

  /** The input with defaults applied, or an {@link InvalidInputException} listing every problem. */
  ObjectNode validate(JsonNode body) {
    if (!(body instanceof ObjectNode object)) {
      throw new InvalidInputException(
          List.of(
              new FieldProblem(
                  "",
                  "type",
                  "the request body must be a JSON object of the model's input fields")));
    }
    BodyShape.requireBounded(object);
    List<Error> errors = schemaErrors(object);
    if (!errors.isEmpty()) {
      List<FieldProblem> listed = new ArrayList<>();
      for (Error error :
          errors.subList(0, Math.min(errors.size(), InvalidInputException.MAX_LISTED))) {
        listed.add(toProblem(error));
      }
      throw new InvalidInputException(listed, errors.size());
    }
    List<FieldProblem> problems = new ArrayList<>();
    ObjectNode applied = object.deepCopy();
    Defaults.apply(schemaNode, applied);
    if (schemaNode.path("properties").has(SchemaNormaliser.SEED)
        && !applied.has(SchemaNormaliser.SEED)) {
      // Within the seed's own range: a provider's may be narrower than Kino's (Wan's is 2^31).
      JsonNode range = schemaNode.path("properties").path(SchemaNormaliser.SEED);
      long lowest = Math.max(0, range.path("minimum").asLong(0));
      long highest = range.path("maximum").asLong(SchemaNormaliser.MAX_SEED);
      applied.put(SchemaNormaliser.SEED, ThreadLocalRandom.current().nextLong(lowest, highest + 1));
    }
    problems.addAll(CrossFieldRules.check(applied));
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return applied;
  }

  /**
   * The schema's verdict. A failure of the validator itself on some value is still the client's
   * body it could not read: a 422 for the body, with one line in the log, never a 500.
   */
  private List<Error> schemaErrors(ObjectNode body) {
    try {
      return schema.validate(BodyShape.comparable(body));
    } catch (RuntimeException e) {
      LOG.warn("the schema validator failed on a request body: {}", e.toString());
      throw new InvalidInputException(
          List.of(
              new FieldProblem(
                  "",
                  "unreadable_value",
                  "a value in the body cannot be checked against the model's schema (an extreme"
                      + " number?); send values within the schema's limits")));
    }
  }

  private static FieldProblem toProblem(Error error) {
    String keyword = error.getKeyword() == null ? "invalid" : error.getKeyword();
    String path = dotted(error.getInstanceLocation());
    // For these two the validator reports the parent object; the field itself is the useful path.
    if (("required".equals(keyword) || "additionalProperties".equals(keyword))
        && error.getProperty() != null) {
      path = path.isEmpty() ? error.getProperty() : path + "." + error.getProperty();
    }
    String code = "additionalProperties".equals(keyword) ? "unknown_field" : keyword;
    String message =
        "additionalProperties".equals(keyword)
            ? "is not a field of this model (see GET /v1/models/{model_id} for its schema)"
            : withoutLocation(error.getMessage());
    return new FieldProblem(path, code, message);
  }

  static String dotted(NodePath location) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Number index) {
        path.append('[').append(index).append(']');
      } else {
        String name = String.valueOf(element);
        if ("$".equals(name)) {
          continue;
        }
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(name);
      }
    }
    return path.toString();
  }

  /**
   * The validator prefixes messages with the instance location; the path is reported separately.
   */
  private static String withoutLocation(String message) {
    if (message != null && (message.startsWith("$") || message.startsWith("/"))) {
      int colon = message.indexOf(": ");
      if (colon > 0) {
        return message.substring(colon + 2);
      }
    }
    return message;
  }
}
