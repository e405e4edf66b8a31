package dev.kino.engines.comfyui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * ComfyUI's answer to a prompt it refuses (400): {@code error} and, per node, {@code node_errors}
 * with the input at fault ({@code extra_info.input_name}). Turned into one sentence that names the
 * node and the input.
 */
final class NodeErrors {
  private NodeErrors() {}

  static String describe(JsonNode body, ComfyWorkflow workflow) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : body.path("node_errors").properties()) {
      String type = node.getValue().path("class_type").asString(workflow.classType(node.getKey()));
      for (JsonNode error : node.getValue().path("errors")) {
        String input = error.path("extra_info").path("input_name").asString("");
        String details = error.path("details").asString("");
        parts.add(
            "node "
                + node.getKey()
                + " ("
                + type
                + ")"
                + (input.isEmpty() ? "" : " input " + input)
                + ": "
                + error.path("message").asString("invalid")
                + (details.isEmpty() ? "" : " (" + details + ")"));
      }
    }
    String overall = body.path("error").path("message").asString("ComfyUI refused the prompt");
    return parts.isEmpty()
        ? overall + " " + body.path("error").path("details").asString("")
        : "ComfyUI refused the prompt: " + String.join("; ", parts);
  }
}
