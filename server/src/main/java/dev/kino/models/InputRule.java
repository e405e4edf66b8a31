package dev.kino.models;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * A limit on a model's input that its schema cannot state because it belongs to where the model
 * runs (an upstream provider taking fewer shots than the seed schema allows, say). Checked at
 * submit after the schema and defaults, so the client hears it at once with the field's path
 * instead of a failed job later.
 */
@FunctionalInterface
public interface InputRule {

  /** The problems with a validated input (defaults applied); empty when the engine can take it. */
  List<FieldProblem> check(ObjectNode input);
}
