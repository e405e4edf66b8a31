package dev.kino.engines.upstream;

import dev.kino.models.FieldProblem;
import dev.kino.models.InputRule;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seed request in Kling's words. The seed schemas follow RunComfy's pages; Kling's own API
 * differs: durations are strings, audio is {@code sound: on|off} (the seed's {@code sound} or
 * {@code generate_audio}), the tier is {@code mode: std|pro}, the start image is {@code image},
 * shots are a numbered {@code multi_prompt} under {@code multi_shot}, the automatic shot type is
 * spelled {@code intelligence}, and at most {@link #MAX_SHOTS} shots are taken (the seed allows 20:
 * refused at submit). Elements are ids of elements made beforehand ({@link KlingProvider} makes
 * them).
 */
final class KlingRequest {
  static final int MAX_SHOTS = 6;
  private static final JsonMapper JSON = JsonMapper.shared();

  private KlingRequest() {}

  /** The submit-time refusal of more shots than Kling takes. */
  static InputRule shotLimit() {
    return input -> {
      int shots = input.path("multi_prompt").size();
      if (shots <= MAX_SHOTS) {
        return List.of();
      }
      return List.of(
          new FieldProblem(
              "multi_prompt",
              "engine_limit",
              "this model runs on Kling's own API (engine kling), which takes at most "
                  + MAX_SHOTS
                  + " shots; got "
                  + shots));
    };
  }

  /** Which of Kling's create-task routes takes this input. */
  static String endpoint(ObjectNode input) {
    return input.hasNonNull("start_image_url") ? "image2video" : "text2video";
  }

  /**
   * The create-task body for {@code input}; {@code elementIds} are Kling's ids of the request's
   * elements, in order.
   */
  static ObjectNode body(
      UpstreamModel model, ObjectNode input, List<Long> elementIds, String externalTaskId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model_name", model.providerModel());
    body.put("mode", model.settings().path("mode").asString("std"));
    copyText(input, "prompt", body, "prompt");
    copyText(input, "negative_prompt", body, "negative_prompt");
    if (input.has("cfg_scale")) {
      body.put("cfg_scale", input.path("cfg_scale").asDouble());
    }
    copyText(input, "aspect_ratio", body, "aspect_ratio");
    if (input.has("duration")) {
      body.put("duration", String.valueOf(input.path("duration").asInt()));
    }
    JsonNode audio = input.has("sound") ? input.get("sound") : input.get("generate_audio");
    if (audio != null && audio.isBoolean()) {
      body.put("sound", audio.asBoolean() ? "on" : "off");
    }
    if (input.hasNonNull("start_image_url")) {
      body.put("image", image(input.path("start_image_url").asString()));
    }
    shots(input, body);
    if (!elementIds.isEmpty()) {
      ArrayNode list = body.putArray("element_list");
      elementIds.forEach(id -> list.addObject().put("element_id", id));
    }
    body.put("external_task_id", externalTaskId);
    return body;
  }

  /**
   * Given shots are sent as Kling's customised multi-shot; with none, the seed's {@code
   * intelligent} shot type asks Kling to cut the video itself ({@code intelligence}) and {@code
   * customize} makes one shot.
   */
  private static void shots(ObjectNode input, ObjectNode body) {
    JsonNode segments = input.path("multi_prompt");
    if (segments.isArray() && !segments.isEmpty()) {
      body.put("multi_shot", true);
      body.put("shot_type", "customize");
      ArrayNode shots = body.putArray("multi_prompt");
      int index = 1;
      for (JsonNode segment : segments) {
        shots
            .addObject()
            .put("index", index++)
            .put("prompt", segment.path("prompt").asString(""))
            .put("duration", String.valueOf(segment.path("duration").asInt(5)));
      }
    } else if ("intelligent".equals(input.path("shot_type").asString(""))) {
      body.put("multi_shot", true);
      body.put("shot_type", "intelligence");
    } else {
      body.put("multi_shot", false);
    }
  }

  /** Kling takes an image as a URL or as bare Base64: a data: URI becomes the latter. */
  private static String image(String url) {
    int comma = url.indexOf(',');
    return url.startsWith("data:") && comma > 0 && url.substring(0, comma).endsWith(";base64")
        ? url.substring(comma + 1)
        : url;
  }

  /** The create-element body for one seed element (images, else its video). */
  static ObjectNode element(JsonNode element, int index, String jobId, String externalTaskId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("element_name", "kino-" + jobId.substring(0, 8) + "-" + (index + 1));
    body.put("element_description", "element " + (index + 1) + " of Kino request " + jobId);
    if (element.hasNonNull("frontal_image_url")) {
      body.put("reference_type", "image_refer");
      ObjectNode images = body.putObject("element_image_list");
      images.put("frontal_image", image(element.path("frontal_image_url").asString()));
      ArrayNode refer = images.putArray("refer_images");
      element
          .path("reference_image_urls")
          .forEach(url -> refer.addObject().put("image_url", image(url.asString())));
    } else {
      body.put("reference_type", "video_refer");
      body.putObject("element_video_list")
          .putArray("refer_videos")
          .addObject()
          .put("video_url", element.path("video_url").asString(""));
    }
    body.put("external_task_id", externalTaskId);
    return body;
  }

  private static void copyText(ObjectNode from, String field, ObjectNode to, String as) {
    if (from.hasNonNull(field)) {
      to.put(as, from.path(field).asString());
    }
  }
}
