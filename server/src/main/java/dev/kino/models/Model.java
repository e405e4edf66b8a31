package dev.kino.models;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A loaded model: its definition and the compiled validator for its input. */
public final class Model {
  private final ModelDefinition definition;
  private final InputValidator validator;

  Model(ModelDefinition definition) {
    this.definition = definition;
    this.validator = new InputValidator(definition.inputSchema());
  }

  public ModelDefinition definition() {
    return definition;
  }

  public String id() {
    return definition.id();
  }

  /**
   * Validates a request body and returns the input as the engine will see it (defaults applied).
   *
   * @throws InvalidInputException listing every problem found
   */
  public ObjectNode validate(JsonNode body) {
    return validator.validate(body);
  }
}
