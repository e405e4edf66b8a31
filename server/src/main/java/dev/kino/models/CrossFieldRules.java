package dev.kino.models;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rules JSON Schema cannot say. Today one: when a model has both {@code multi_prompt} and {@code
 * duration}, the segment durations must add up to the video's duration (every seed page states it).
 * An empty list means no segments, as {@code minItems: 0} allows.
 */
final class CrossFieldRules {
  private CrossFieldRules() {}

  static List<FieldProblem> check(ObjectNode input) {
    List<FieldProblem> problems = new ArrayList<>();
    JsonNode segments = input.get("multi_prompt");
    JsonNode duration = input.get("duration");
    if (segments != null
        && segments.isArray()
        && !segments.isEmpty()
        && duration != null
        && duration.isIntegralNumber()) {
      long sum = 0;
      for (JsonNode segment : segments) {
        sum += segment.path("duration").asLong(0);
      }
      if (sum != duration.asLong()) {
        problems.add(
            new FieldProblem(
                "multi_prompt",
                "duration_mismatch",
                "the segment durations add up to "
                    + sum
                    + " s but duration is "
                    + duration.asLong()
                    + " s; they must be equal (set duration to "
                    + sum
                    + " or change the segments)"));
      }
    }
    return problems;
  }
}
