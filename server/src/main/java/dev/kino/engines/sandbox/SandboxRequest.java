package dev.kino.engines.sandbox;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fields of a validated request that the sandbox honours, read once. Image-to-video names its
 * audio switch {@code generate_audio} and text-to-video {@code sound}; whichever the model has
 * counts.
 */
record SandboxRequest(
    String modelId,
    String tier,
    int shortSide,
    String prompt,
    String negativePrompt,
    int durationSeconds,
    String aspectRatio,
    boolean audio,
    double cfgScale,
    long seed,
    String shotType,
    List<Segment> segments,
    String startImageUrl,
    List<Element> elements) {

  /** One multi_prompt item. */
  record Segment(String prompt, int durationSeconds) {}

  /** One elements item: reference images and an optional motion-reference video. */
  record Element(String frontalImageUrl, List<String> referenceImageUrls, String videoUrl) {}

  static SandboxRequest from(String modelId, ObjectNode input, ObjectNode settings) {
    List<Segment> segments = new ArrayList<>();
    for (JsonNode segment : input.path("multi_prompt")) {
      segments.add(
          new Segment(segment.path("prompt").asString(""), segment.path("duration").asInt(5)));
    }
    List<Element> elements = new ArrayList<>();
    for (JsonNode element : input.path("elements")) {
      List<String> references = new ArrayList<>();
      element.path("reference_image_urls").forEach(url -> references.add(url.asString()));
      elements.add(
          new Element(text(element, "frontal_image_url"), references, text(element, "video_url")));
    }
    boolean audio =
        input.has("generate_audio")
            ? input.path("generate_audio").asBoolean()
            : input.path("sound").asBoolean(false);
    return new SandboxRequest(
        modelId,
        settings.path("tier").asString("standard"),
        OutputSize.shortSide(
            settings.path("tier").asString("standard"), settings.path("short_side").asInt(0)),
        input.path("prompt").asString(""),
        text(input, "negative_prompt"),
        input.path("duration").asInt(5),
        input.path("aspect_ratio").asString("16:9"),
        audio,
        input.path("cfg_scale").asDouble(0.5),
        input.path("seed").asLong(0),
        input.path("shot_type").asString("customize"),
        List.copyOf(segments),
        text(input, "start_image_url"),
        List.copyOf(elements));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }
}
