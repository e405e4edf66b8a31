package dev.kino.models;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What is checked of a body before its schema is: its size in JSON values (a model's input has a
 * few dozen; a body of hundreds of thousands of fields would cost the validator, and the answer
 * listing them, more memory than one request may take), and numbers the validator cannot compare.
 */
final class BodyShape {
  /** JSON values a body may hold in all; far above any model's input, far below a memory risk. */
  static final int MAX_VALUES = 10_000;

  /** Below -2^63 or above 2^63 - 1, a floating-point number is no longer read as a long. */
  private static final double LONG_RANGE = 0x1p63;

  private BodyShape() {}

  /** Refuses a body with more than {@link #MAX_VALUES} values, before anything else reads it. */
  static void requireBounded(JsonNode body) {
    int count = 0;
    Deque<JsonNode> pending = new ArrayDeque<>(List.of(body));
    while (!pending.isEmpty()) {
      JsonNode node = pending.pop();
      if (++count > MAX_VALUES) {
        throw new InvalidInputException(
            List.of(
                new FieldProblem(
                    "",
                    "too_many_values",
                    "the body holds more than "
                        + MAX_VALUES
                        + " JSON values; a model's input needs far fewer")));
      }
      node.values().forEach(pending::push);
    }
  }

  /**
   * The body as the schema validator should see it: floating-point numbers beyond the range of a
   * long (1e19, 1e308) become the exact integers they are, which the validator compares correctly
   * against integer limits (given as doubles, it fails converting them). What they mean is
   * unchanged: every double that large is an integer.
   */
  static JsonNode comparable(JsonNode node) {
    if (node.isFloatingPointNumber()
        && Double.isFinite(node.doubleValue())
        && Math.abs(node.doubleValue()) >= LONG_RANGE) {
      return JsonNodeFactory.instance.numberNode(
          new BigDecimal(node.doubleValue()).toBigIntegerExact());
    }
    // A copy is made only where something changes: most bodies go to the validator as they are.
    if (node instanceof ObjectNode object) {
      ObjectNode copy = null;
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        JsonNode exact = comparable(field.getValue());
        if (exact != field.getValue()) {
          copy = copy == null ? object.deepCopy() : copy;
          copy.set(field.getKey(), exact);
        }
      }
      return copy == null ? object : copy;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = null;
      for (int i = 0; i < array.size(); i++) {
        JsonNode exact = comparable(array.get(i));
        if (exact != array.get(i)) {
          copy = copy == null ? array.deepCopy() : copy;
          copy.set(i, exact);
        }
      }
      return copy == null ? array : copy;
    }
    return node;
  }
}
