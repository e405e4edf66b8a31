package dev.kino.engines.sandbox;

import dev.kino.engines.EngineException;
import dev.kino.inputs.ImageInputs;
import dev.kino.inputs.InputException;
import dev.kino.inputs.VideoInputs;
import dev.kino.media.MediaInfo;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The image-to-video {@code elements}: every reference image is fetched and checked, the frontal
 * one (or the first reference) becomes a labelled insert, and a motion-reference video is probed
 * and its duration reported.
 */
final class Elements {
  private final List<FramePainter.Insert> inserts;
  private final ArrayNode metadata;

  private Elements(List<FramePainter.Insert> inserts, ArrayNode metadata) {
    this.inserts = inserts;
    this.metadata = metadata;
  }

  static Elements load(
      List<SandboxRequest.Element> elements,
      ImageInputs images,
      VideoInputs videos,
      int thumbnailSide)
      throws EngineException, InterruptedException {
    List<FramePainter.Insert> inserts = new ArrayList<>();
    ArrayNode metadata = JsonMapper.shared().createArrayNode();
    for (int i = 0; i < elements.size(); i++) {
      SandboxRequest.Element element = elements.get(i);
      String path = "elements[" + i + "]";
      ObjectNode about = metadata.addObject();
      about.put("index", i);
      BufferedImage shown = null;
      int imageCount = 0;
      if (element.frontalImageUrl() != null) {
        shown = image(images, path + ".frontal_image_url", element.frontalImageUrl());
        imageCount++;
      }
      for (int r = 0; r < element.referenceImageUrls().size(); r++) {
        BufferedImage reference =
            image(
                images,
                path + ".reference_image_urls[" + r + "]",
                element.referenceImageUrls().get(r));
        shown = shown == null ? reference : shown;
        imageCount++;
      }
      about.put("images", imageCount);
      if (shown != null) {
        String label =
            "Element " + (i + 1) + (imageCount > 1 ? " (+" + (imageCount - 1) + " ref)" : "");
        inserts.add(
            new FramePainter.Insert(
                FramePainter.fitted(shown, thumbnailSide, thumbnailSide), label));
      }
      if (element.videoUrl() != null) {
        MediaInfo video = video(videos, path + ".video_url", element.videoUrl());
        ObjectNode v = about.putObject("video");
        v.put("duration_s", Math.round(video.durationSeconds() * 1000) / 1000.0);
        v.put("width", video.width());
        v.put("height", video.height());
        v.put("codec", video.videoCodec());
      }
    }
    return new Elements(List.copyOf(inserts), metadata);
  }

  List<FramePainter.Insert> inserts() {
    return inserts;
  }

  ArrayNode metadata() {
    return metadata;
  }

  /**
   * Fetches an image input; a refusal fails the job with the input's reason code and field path.
   */
  static BufferedImage image(ImageInputs images, String field, String url)
      throws EngineException, InterruptedException {
    try {
      return images.load(field, url);
    } catch (InputException e) {
      throw failure(e);
    }
  }

  private static MediaInfo video(VideoInputs videos, String field, String url)
      throws EngineException, InterruptedException {
    try {
      return videos.probe(field, url);
    } catch (InputException e) {
      throw failure(e);
    }
  }

  private static EngineException failure(InputException e) {
    return new EngineException(e.code(), e.field() + ": " + e.getMessage(), e);
  }
}
