package dev.kino.engines.comfyui;

import dev.kino.models.ModelDefinitionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A ComfyUI workflow in API format, as "Export (API)" saves it: node id -> {@code {class_type,
 * inputs}}, where an input is a literal value or a link {@code [node_id, output_index]}. Checked
 * once when the definition loads.
 */
final class WorkflowTemplate {
  private final ObjectNode nodes;
  final String where;

  private WorkflowTemplate(ObjectNode nodes, String where) {
    this.nodes = nodes;
    this.where = where;
  }

  static WorkflowTemplate of(JsonNode json, String where) {
    if (!(json instanceof ObjectNode nodes) || nodes.isEmpty()) {
      throw new ModelDefinitionException(
          where
              + ": the workflow must be a non-empty JSON object in ComfyUI's API format (node id -> {class_type, inputs})");
    }
    if (nodes.has("nodes") && nodes.has("links")) {
      throw new ModelDefinitionException(
          where + ": this is a UI workflow; export it with \"Export (API)\" in ComfyUI");
    }
    for (Map.Entry<String, JsonNode> node : nodes.properties()) {
      JsonNode body = node.getValue();
      if (!body.path("class_type").isString() || !body.path("inputs").isObject()) {
        throw new ModelDefinitionException(
            where + ": node " + node.getKey() + " needs a class_type and an inputs object");
      }
      for (Map.Entry<String, JsonNode> input : body.path("inputs").properties()) {
        JsonNode value = input.getValue();
        if (isLink(value) && !nodes.has(value.get(0).asString())) {
          throw new ModelDefinitionException(
              where
                  + ": node "
                  + node.getKey()
                  + " input \""
                  + input.getKey()
                  + "\" links to node "
                  + value.get(0).asString()
                  + ", which is not in the workflow");
        }
      }
    }
    return new WorkflowTemplate(nodes, where);
  }

  static boolean isLink(JsonNode value) {
    return value.isArray()
        && value.size() == 2
        && (value.get(0).isString() || value.get(0).isNumber())
        && value.get(1).isIntegralNumber();
  }

  /**
   * Checks that the node exists and has this input as a literal value (a linked input cannot be
   * set).
   */
  void requireSettableInput(String node, String input, String binding) {
    JsonNode body = nodes.get(node);
    if (body == null) {
      throw new ModelDefinitionException(
          where + ": " + binding + ": there is no node " + node + " in the workflow");
    }
    JsonNode inputs = body.path("inputs");
    if (!inputs.has(input)) {
      List<String> names = new ArrayList<>();
      inputs.propertyNames().forEach(names::add);
      throw new ModelDefinitionException(
          where
              + ": "
              + binding
              + ": node "
              + node
              + " ("
              + classType(node)
              + ") has no input \""
              + input
              + "\"; it has: "
              + String.join(", ", names));
    }
    if (isLink(inputs.get(input))) {
      throw new ModelDefinitionException(
          where
              + ": "
              + binding
              + ": node "
              + node
              + " ("
              + classType(node)
              + ") input \""
              + input
              + "\" is linked to another node, so it cannot be set");
    }
  }

  String classType(String node) {
    return nodes.path(node).path("class_type").asString();
  }

  /** A fresh copy to fill in for one request. */
  ObjectNode copy() {
    return nodes.deepCopy();
  }

  /**
   * The nodes whose results are the workflow's outputs: those no other node takes an input from
   * (ComfyUI runs a graph from its output nodes, which are these), and any node that names its
   * files with a {@code filename_prefix}.
   */
  List<String> outputNodes() {
    Set<String> linked = new HashSet<>();
    for (JsonNode body : nodes) {
      for (JsonNode value : body.path("inputs")) {
        if (isLink(value)) {
          linked.add(value.get(0).asString());
        }
      }
    }
    List<String> outputs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : nodes.properties()) {
      if (!linked.contains(node.getKey())
          || node.getValue().path("inputs").path(FILENAME_PREFIX).isString()) {
        outputs.add(node.getKey());
      }
    }
    return outputs;
  }

  static final String FILENAME_PREFIX = "filename_prefix";

  /** Node id -> class_type, in the file's order. */
  Map<String, String> nodeTypes() {
    Map<String, String> types = new LinkedHashMap<>();
    nodes
        .properties()
        .forEach(n -> types.put(n.getKey(), n.getValue().path("class_type").asString()));
    return types;
  }

  /** Every literal string input of every node. */
  List<ComfyWorkflow.FixedInput> stringInputs() {
    List<ComfyWorkflow.FixedInput> found = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : nodes.properties()) {
      String type = node.getValue().path("class_type").asString();
      for (Map.Entry<String, JsonNode> input : node.getValue().path("inputs").properties()) {
        if (input.getValue().isString()) {
          found.add(
              new ComfyWorkflow.FixedInput(
                  node.getKey(), type, input.getKey(), input.getValue().asString()));
        }
      }
    }
    return found;
  }

  /** Node ids, in the file's order. */
  List<String> nodeIds() {
    List<String> ids = new ArrayList<>();
    nodes.propertyNames().forEach(ids::add);
    return ids;
  }
}
