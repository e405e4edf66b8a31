package dev.kino.engines.comfyui;

import dev.kino.models.ModelDefinition;
import dev.kino.models.ModelDefinitionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A model definition's ComfyUI side: the workflow template and the bindings from request fields to
 * node inputs, checked against each other and against the input schema when the definition loads,
 * so a bad definition stops start-up with a message naming the file, the node and the input.
 *
 * <pre>{@code
 * "engine": {"type": "comfyui", "settings": {
 *   "workflow": "wan2.2-ti2v-5b-t2v.workflow.json",
 *   "frame_rate": 24,
 *   "bindings": [
 *     {"field": "prompt", "node": "6", "input": "text"},
 *     {"field": "duration", "node": "55", "input": "length", "as": "frames", "rule": "4k+1"},
 *     {"field": "aspect_ratio", "node": "55", "as": "table", "table": {"16:9": {"width": 1280, "height": 704}}},
 *     {"field": "cfg_scale", "node": "3", "input": "cfg", "as": "linear", "from": [0, 1], "to": [1, 9]},
 *     {"field": "seed", "node": "3", "input": "seed", "as": "seed"},
 *     {"field": "start_image_url", "node": "56", "input": "image", "as": "image"}]}}
 * }</pre>
 */
public final class ComfyWorkflow {
  private final WorkflowTemplate template;
  private final List<Binding> bindings;

  private final List<String> outputNodes;
  private final List<FixedInput> fixedInputs;

  private ComfyWorkflow(WorkflowTemplate template, List<Binding> bindings) {
    this.template = template;
    this.bindings = List.copyOf(bindings);
    this.outputNodes = template.outputNodes();
    Set<String> bound = new HashSet<>();
    bindings.forEach(b -> bound.addAll(b.sets()));
    this.fixedInputs =
        template.stringInputs().stream()
            .filter(i -> !bound.contains(i.node() + "/" + i.input()))
            .toList();
  }

  /** A string input the workflow fixes (no binding sets it): a loader's file name, say. */
  record FixedInput(String node, String classType, String input, String value) {}

  /** Node id -> class_type, for matching the workflow with what a server has. */
  Map<String, String> nodeTypes() {
    return template.nodeTypes();
  }

  List<FixedInput> fixedInputs() {
    return fixedInputs;
  }

  /**
   * Reads and checks a definition's workflow and bindings; throws {@link ModelDefinitionException}
   * if wrong.
   */
  public static ComfyWorkflow from(ModelDefinition definition) {
    ObjectNode settings = definition.engineSettings();
    String where =
        definition.source()
            + (settings.has("workflow_file")
                ? " (workflow "
                    + java.nio.file.Path.of(settings.path("workflow_file").asString()).getFileName()
                    + ")"
                : "");
    if (!settings.has("workflow")) {
      throw new ModelDefinitionException(
          definition.source()
              + ": a comfyui model needs engine.settings.workflow (a *.workflow.json file beside it, or the workflow inline)");
    }
    WorkflowTemplate template = WorkflowTemplate.of(settings.get("workflow"), where);
    double fps = settings.path("frame_rate").asDouble(24);
    JsonNode properties = definition.inputSchema().path("properties");
    List<Binding> bindings = new ArrayList<>();
    JsonNode list = settings.path("bindings");
    if (!list.isArray()) {
      throw new ModelDefinitionException(
          definition.source() + ": engine.settings.bindings must be a list");
    }
    for (int i = 0; i < list.size(); i++) {
      bindings.add(parse(list.get(i), i, template, properties, fps, definition.source()));
    }
    return new ComfyWorkflow(template, bindings);
  }

  private static Binding parse(
      JsonNode b,
      int index,
      WorkflowTemplate template,
      JsonNode properties,
      double fps,
      String source) {
    String field = b.path("field").asString("");
    String node = b.path("node").asString("");
    String label = "binding " + index + " (field \"" + field + "\")";
    String as = b.path("as").asString("value");
    if (field.isEmpty() || node.isEmpty()) {
      throw new ModelDefinitionException(
          source + ": binding " + index + " needs \"field\" and \"node\"");
    }
    JsonNode schema = properties.get(field);
    if (schema == null) {
      throw new ModelDefinitionException(
          source + ": " + label + ": \"" + field + "\" is not a field of input_schema");
    }
    if (as.equals("table")) {
      return table(b, field, node, label, template, schema, source);
    }
    String input = b.path("input").asString("");
    if (input.isEmpty()) {
      throw new ModelDefinitionException(
          source + ": " + label + " needs \"input\" (the node input it sets)");
    }
    template.requireSettableInput(node, input, label);
    return switch (as) {
      case "value" -> new Binding.Value(field, node, input);
      case "seed" -> new Binding.Seed(field, node, input);
      case "image" -> new Binding.Image(field, node, input);
      case "frames" -> {
        try {
          yield new Binding.Frames(
              field,
              node,
              input,
              b.path("frame_rate").asDouble(fps),
              FrameRule.parse(b.path("rule").asString("1k+0")));
        } catch (IllegalArgumentException e) {
          throw new ModelDefinitionException(source + ": " + label + ": " + e.getMessage());
        }
      }
      case "linear" -> {
        JsonNode from = b.path("from");
        JsonNode to = b.path("to");
        if (from.size() != 2
            || to.size() != 2
            || from.get(0).asDouble() == from.get(1).asDouble()) {
          throw new ModelDefinitionException(
              source
                  + ": "
                  + label
                  + ": linear needs \"from\": [low, high] and \"to\": [low, high]");
        }
        boolean whole = to.get(0).isIntegralNumber() && to.get(1).isIntegralNumber();
        yield new Binding.Linear(
            field,
            node,
            input,
            from.get(0).asDouble(),
            from.get(1).asDouble(),
            to.get(0).asDouble(),
            to.get(1).asDouble(),
            whole);
      }
      default ->
          throw new ModelDefinitionException(
              source
                  + ": "
                  + label
                  + ": unknown \"as\": \""
                  + as
                  + "\" (value, frames, table, linear, seed, image)");
    };
  }

  private static Binding table(
      JsonNode b,
      String field,
      String node,
      String label,
      WorkflowTemplate template,
      JsonNode schema,
      String source) {
    if (!(b.get("table") instanceof ObjectNode table) || table.isEmpty()) {
      throw new ModelDefinitionException(
          source
              + ": "
              + label
              + ": a table binding needs \"table\": {value: {input: value, ...}}");
    }
    Map<String, Map<String, JsonNode>> rows = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> row : table.properties()) {
      Map<String, JsonNode> sets = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> set : row.getValue().properties()) {
        template.requireSettableInput(node, set.getKey(), label);
        sets.put(set.getKey(), set.getValue());
      }
      rows.put(row.getKey(), sets);
    }
    Set<String> missing = new TreeSet<>();
    schema
        .path("enum")
        .forEach(
            v -> {
              if (!rows.containsKey(v.asString())) {
                missing.add(v.asString());
              }
            });
    if (!missing.isEmpty()) {
      throw new ModelDefinitionException(
          source
              + ": "
              + label
              + ": the table has no row for "
              + String.join(", ", missing)
              + ", which the schema allows");
    }
    return new Binding.Table(field, node, rows);
  }

  /**
   * The graph for one prompt of one job: the template with every bound input set, and each output
   * node marked with the job and the prompt.
   *
   * <p>ComfyUI caches every node's result under its inputs: a prompt identical to an earlier one
   * runs nothing and replays the earlier prompt's file names, files an operator may have deleted
   * since, or that another job owns. An extra input on an output node changes its cache key (and
   * ComfyUI passes no input to a node that its INPUT_TYPES lacks), so the output nodes run for
   * every prompt while the expensive nodes upstream stay cached. A {@code filename_prefix} gains
   * the job's id, so no two jobs write or read the same file.
   */
  public ObjectNode graph(
      ObjectNode input,
      Map<String, String> uploadedImages,
      LongSupplier randomSeed,
      String jobId,
      String promptId) {
    ObjectNode graph = template.copy();
    Binding.Context context = new Binding.Context(uploadedImages, randomSeed);
    for (Binding binding : bindings) {
      binding.apply(graph, input.get(binding.field()), context);
    }
    for (String node : outputNodes) {
      ObjectNode inputs = (ObjectNode) graph.path(node).path("inputs");
      inputs.put(PROMPT_MARK, promptId);
      JsonNode prefix = inputs.get(WorkflowTemplate.FILENAME_PREFIX);
      if (prefix != null && prefix.isString()) {
        inputs.put(WorkflowTemplate.FILENAME_PREFIX, prefix.asString() + "-" + jobId);
      }
    }
    return graph;
  }

  /** The input Kino adds to each output node; no ComfyUI node has it. */
  static final String PROMPT_MARK = "kino_prompt_id";

  /** The fields whose files are uploaded to the server before the run (LoadImage inputs). */
  public List<String> imageFields() {
    return bindings.stream().filter(b -> b instanceof Binding.Image).map(Binding::field).toList();
  }

  /** The workflow's class_type of a node, for messages. */
  String classType(String node) {
    return template.classType(node);
  }
}
