package dev.kino.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A loaded model: its definition, the compiled validator for its input, and the limits of the
 * engine serving it here, if it has any.
 */
public final class Model {
  private final ModelDefinition definition;
  private final InputValidator validator;
  private final Optional<InputRule> engineRule;

  Model(ModelDefinition definition) {
    this(definition, new InputValidator(definition.inputSchema()), Optional.empty());
  }

  private Model(
      ModelDefinition definition, InputValidator validator, Optional<InputRule> engineRule) {
    this.definition = definition;
    this.validator = validator;
    this.engineRule = engineRule;
  }

  /** This model, also checked by the rule of the engine that serves it. */
  Model withEngineRule(InputRule rule) {
    return new Model(definition, validator, Optional.of(rule));
  }

  /** This model with its definition changed (routes left out), its schemas and rule kept. */
  Model withDefinition(ModelDefinition changed) {
    return new Model(changed, validator, engineRule);
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
    ObjectNode input;
    try {
      input = validator.validate(body);
    } catch (InvalidInputException e) {
      // Every problem at once: the engine's limits too, read from the body as sent.
      List<FieldProblem> all = new ArrayList<>(e.problems());
      List<FieldProblem> engine =
          body instanceof ObjectNode sent
              ? engineRule.map(rule -> rule.check(sent)).orElse(List.of())
              : List.of();
      all.addAll(engine);
      throw new InvalidInputException(all, e.total() + engine.size());
    }
    List<FieldProblem> problems = engineRule.map(rule -> rule.check(input)).orElse(List.of());
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return input;
  }
}
