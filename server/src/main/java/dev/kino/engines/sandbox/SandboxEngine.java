package dev.kino.engines.sandbox;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.OutputFile;
import dev.kino.engines.Progress;
import dev.kino.inputs.ImageInputs;
import dev.kino.inputs.InputException;
import dev.kino.media.MediaException;
import dev.kino.media.Mp4Writer;
import dev.kino.media.VideoFormat;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in engine: renders a real MP4 from the request with nothing installed and no GPU. H.264 at 24 fps,
 * exactly {@code duration} seconds, at the tier's size ({@code settings.tier}: {@code pro} or
 * {@code standard}), frames derived from the prompt, AAC audio when the request asks for sound. Same input,
 * same bytes.
 */
public final class SandboxEngine implements Engine {
  static final int FPS = 24;
  private final ImageInputs images;

  public SandboxEngine(ImageInputs images) {
    this.images = images;
  }

  @Override
  public EngineResult run(EngineTask task, Progress progress) throws EngineException, InterruptedException {
    long started = System.nanoTime();
    ObjectNode input = task.input();
    String tier = task.settings().path("tier").asString("standard");
    String prompt = input.path("prompt").asString("");
    int duration = input.path("duration").asInt(5);
    double cfgScale = input.path("cfg_scale").asDouble(0.5);
    boolean audio = input.path("sound").asBoolean(input.path("generate_audio").asBoolean(false));

    BufferedImage startImage = null;
    String aspect = input.path("aspect_ratio").asString("16:9");
    if (input.hasNonNull("start_image_url")) {
      startImage = loadImage("start_image_url", input.get("start_image_url").asString());
      aspect = OutputSize.nearestAspect(startImage.getWidth(), startImage.getHeight());
    }
    OutputSize size = OutputSize.of(tier, aspect);
    List<Shot> shots = shots(prompt, input.get("multi_prompt"), duration);
    List<Look> looks = shots.stream().map(s -> Look.of(s.prompt(), cfgScale)).toList();
    int totalFrames = duration * FPS;

    Path video = task.workDir().resolve("video.mp4");
    VideoFormat format = new VideoFormat(size.width(), size.height(), FPS, audio ? 2 : 0, Soundtrack.SAMPLE_RATE);
    FramePainter painter = new FramePainter(size.width(), size.height(), FPS, "KINO SANDBOX  " + task.modelId(), startImage);
    Soundtrack soundtrack = new Soundtrack(shots, looks, FPS);
    try (Mp4Writer writer = Mp4Writer.open(video, format)) {
      int shotIndex = 0;
      for (int frame = 0; frame < totalFrames; frame++) {
        if (Thread.interrupted()) {
          throw new InterruptedException("render stopped at frame " + frame);
        }
        while (!shots.get(shotIndex).contains(frame)) {
          shotIndex++;
        }
        Shot shot = shots.get(shotIndex);
        writer.writeFrame(painter.paint(frame, shot, shots.size(), looks.get(shotIndex)));
        if (audio) {
          writer.writeSamples(soundtrack.samplesForFrame(frame, shot));
        }
        progress.report((frame + 1.0) / totalFrames);
      }
    } catch (MediaException e) {
      throw new EngineException("render_failed", "the sandbox could not encode the video: " + e.getMessage(), e);
    }
    ObjectNode metadata = metadata(input, size, totalFrames, audio, shots);
    metadata.put("render_ms", (System.nanoTime() - started) / 1_000_000);
    return new EngineResult(List.of(new OutputFile("video", video)), metadata);
  }

  private BufferedImage loadImage(String field, String url) throws EngineException, InterruptedException {
    try {
      return images.load(field, url);
    } catch (InputException e) {
      throw new EngineException(e.code(), field + ": " + e.getMessage(), e);
    }
  }

  /** One shot per multi_prompt segment (their durations were checked to add up), or one for the whole video. */
  static List<Shot> shots(String prompt, JsonNode segments, int duration) {
    List<Shot> shots = new ArrayList<>();
    if (segments instanceof ArrayNode list && !list.isEmpty()) {
      int start = 0;
      for (JsonNode segment : list) {
        int frames = segment.path("duration").asInt(5) * FPS;
        String text = segment.path("prompt").asString("");
        shots.add(new Shot(shots.size(), text.isBlank() ? prompt : text, start, frames));
        start += frames;
      }
      return shots;
    }
    shots.add(new Shot(0, prompt, 0, duration * FPS));
    return shots;
  }

  private static ObjectNode metadata(ObjectNode input, OutputSize size, int frames, boolean audio, List<Shot> shots) {
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    metadata.put("engine", "sandbox");
    metadata.put("width", size.width());
    metadata.put("height", size.height());
    metadata.put("fps", FPS);
    metadata.put("frames", frames);
    metadata.put("audio", audio);
    metadata.put("cfg_scale", input.path("cfg_scale").asDouble(0.5));
    if (input.hasNonNull("negative_prompt")) {
      metadata.put("negative_prompt", input.get("negative_prompt").asString());
    }
    ArrayNode shotList = metadata.putArray("shots");
    for (Shot shot : shots) {
      ObjectNode s = shotList.addObject();
      s.put("prompt", shot.prompt());
      s.put("start_frame", shot.startFrame());
      s.put("frames", shot.frames());
    }
    return metadata;
  }
}
