package dev.kino.engines.comfyui;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How one request field sets node inputs in the workflow. {@code as} in the definition picks the
 * kind: {@code value} (copied), {@code frames} (seconds x frame rate, snapped to the model's frame
 * rule), {@code table} (one value -> several inputs, e.g. an aspect ratio -> width and height),
 * {@code linear} (a range mapped onto another, e.g. cfg_scale 0..1 -> cfg 1..9), {@code seed}
 * (random when the request has none), {@code image} (the file is uploaded to the server and its
 * name set, as for LoadImage.image).
 */
sealed interface Binding permits Binding.Single, Binding.Table {
  String field();

  String node();

  /** The node inputs this binding sets, as {@code node/input}. */
  Set<String> sets();

  /** A binding that sets one input. */
  sealed interface Single extends Binding permits Value, Frames, Linear, Seed, Image {
    String input();

    @Override
    default Set<String> sets() {
      return Set.of(node() + "/" + input());
    }
  }

  /** Sets the node inputs from the request's value (null when the request has none). */
  void apply(ObjectNode graph, JsonNode value, Context context);

  /**
   * What a run provides besides the request: uploaded file names by field, a source of random
   * seeds.
   */
  record Context(Map<String, String> uploaded, LongSupplier randomSeed) {}

  private static ObjectNode inputs(ObjectNode graph, String node) {
    return (ObjectNode) graph.get(node).get("inputs");
  }

  record Value(String field, String node, String input) implements Single {
    @Override
    public void apply(ObjectNode graph, JsonNode value, Context context) {
      if (value != null && !value.isNull()) {
        inputs(graph, node).set(input, value.deepCopy());
      }
    }
  }

  record Frames(String field, String node, String input, double fps, FrameRule rule)
      implements Single {
    @Override
    public void apply(ObjectNode graph, JsonNode value, Context context) {
      if (value != null && value.isNumber()) {
        inputs(graph, node).put(input, rule.frames(value.asDouble(), fps));
      }
    }
  }

  record Table(String field, String node, Map<String, Map<String, JsonNode>> rows)
      implements Binding {
    @Override
    public Set<String> sets() {
      Set<String> inputs = new HashSet<>();
      rows.values().forEach(row -> row.keySet().forEach(input -> inputs.add(node + "/" + input)));
      return inputs;
    }

    @Override
    public void apply(ObjectNode graph, JsonNode value, Context context) {
      if (value == null || value.isNull()) {
        return;
      }
      Map<String, JsonNode> row = rows.get(value.asString());
      if (row != null) {
        row.forEach((input, v) -> inputs(graph, node).set(input, v.deepCopy()));
      }
    }
  }

  record Linear(
      String field,
      String node,
      String input,
      double fromLow,
      double fromHigh,
      double toLow,
      double toHigh,
      boolean whole)
      implements Single {
    @Override
    public void apply(ObjectNode graph, JsonNode value, Context context) {
      if (value == null || !value.isNumber()) {
        return;
      }
      double t = (value.asDouble() - fromLow) / (fromHigh - fromLow);
      double mapped = toLow + t * (toHigh - toLow);
      if (whole) {
        inputs(graph, node).put(input, Math.round(mapped));
      } else {
        inputs(graph, node).put(input, Math.round(mapped * 1e6) / 1e6);
      }
    }
  }

  record Seed(String field, String node, String input) implements Single {
    @Override
    public void apply(ObjectNode graph, JsonNode value, Context context) {
      long seed =
          value != null && value.isIntegralNumber()
              ? value.asLong()
              : context.randomSeed().getAsLong();
      inputs(graph, node).put(input, seed);
    }
  }

  record Image(String field, String node, String input) implements Single {
    @Override
    public void apply(ObjectNode graph, JsonNode value, Context context) {
      String name = context.uploaded().get(field);
      if (name != null) {
        inputs(graph, node).set(input, JsonNodeFactory.instance.stringNode(name));
      }
    }
  }
}
