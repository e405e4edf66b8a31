package dev.kino.engines.comfyui;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What one ComfyUI server can run, as its {@code GET /object_info} says: the node types it has
 * (custom node packs differ between servers) and, for each input offered as a list of choices, the
 * choices (a loader's list is the model files the server has). Read when a server joins the pool
 * and whenever it comes back.
 */
final class ServerCapabilities {
  /** Values that name a model file: what a loader input's choices list. */
  private static final Pattern MODEL_FILE =
      Pattern.compile("(?i).+\\.(safetensors|sft|ckpt|pt|pth|bin|gguf|onnx)$");

  private final Map<String, Map<String, Set<String>>> choices;

  private ServerCapabilities(Map<String, Map<String, Set<String>>> choices) {
    this.choices = choices;
  }

  /**
   * Reads {@code /object_info}: node type -> {@code input.required/optional} -> a spec whose first
   * element is the list of choices (ComfyUI's classic combo) or {@code "COMBO"} with {@code
   * options} (its V3 nodes).
   */
  static ServerCapabilities from(JsonNode objectInfo) {
    Map<String, Map<String, Set<String>>> all = new HashMap<>();
    for (Map.Entry<String, JsonNode> node : objectInfo.properties()) {
      Map<String, Set<String>> inputs = new HashMap<>();
      for (String group : List.of("required", "optional")) {
        for (Map.Entry<String, JsonNode> input :
            node.getValue().path("input").path(group).properties()) {
          JsonNode spec = input.getValue();
          JsonNode list =
              spec.path(0).isArray()
                  ? spec.path(0)
                  : spec.path(0).asString("").equals("COMBO") ? spec.path(1).path("options") : null;
          if (list != null && list.isArray()) {
            Set<String> values = new HashSet<>();
            list.forEach(v -> values.add(v.asString()));
            inputs.put(input.getKey(), values);
          }
        }
      }
      all.put(node.getKey(), inputs);
    }
    return new ServerCapabilities(all);
  }

  /**
   * Why this server cannot run the workflow: a node type it lacks, or a model file it does not list
   * for a loader's input the workflow fixes (inputs a request sets, such as an uploaded image, are
   * not checked). Empty when it can.
   */
  Optional<String> lacks(ComfyWorkflow workflow) {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> node : workflow.nodeTypes().entrySet()) {
      if (!choices.containsKey(node.getValue())) {
        missing.add("node type " + node.getValue() + " (node " + node.getKey() + ")");
      }
    }
    for (ComfyWorkflow.FixedInput fixed : workflow.fixedInputs()) {
      Set<String> offered = choices.getOrDefault(fixed.classType(), Map.of()).get(fixed.input());
      if (offered != null
          && isFileInput(fixed.input(), fixed.value())
          && !offered.contains(fixed.value())) {
        missing.add(
            "file "
                + fixed.value()
                + " (node "
                + fixed.node()
                + ", "
                + fixed.classType()
                + " input "
                + fixed.input()
                + ")");
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    int shown = Math.min(3, missing.size());
    return Optional.of(
        "has no "
            + String.join(", no ", missing.subList(0, shown))
            + (missing.size() > shown ? " (and " + (missing.size() - shown) + " more)" : ""));
  }

  /** A loader's input: ComfyUI names them {@code *_name} (ckpt_name, unet_name, lora_name...). */
  private static boolean isFileInput(String input, String value) {
    return input.endsWith("_name") || MODEL_FILE.matcher(value).matches();
  }
}
