package dev.kino.engines.sandbox;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.OutputFile;
import dev.kino.engines.Reporter;
import dev.kino.inputs.ImageInputs;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.VideoInputs;
import dev.kino.media.MediaException;
import dev.kino.media.Mp4Writer;
import dev.kino.media.VideoFormat;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in engine: a faithful, fast, deterministic stand-in for the video models, with nothing
 * installed and no GPU. It honours every seed field visibly: shots from {@code multi_prompt} or the
 * {@code intelligent} split, camera moves from camera words, the start image as frame 0, element
 * inserts, a soundtrack from sound words, {@code cfg_scale} as saturation and contrast. H.264 at 24
 * fps, exactly {@code duration} seconds, at the tier's size; AAC stereo 48 kHz only when audio is
 * on; a JPEG poster from the first shot. The same input and {@code seed} give the same bytes:
 * transcendental functions come from {@link StrictMath} (or its tables), because {@code Math}'s may
 * differ by an ulp between interpreted and JIT-compiled code.
 */
public final class SandboxEngine implements Engine {
  static final int FPS = 24;
  private final ImageInputs images;
  private final VideoInputs videos;

  public SandboxEngine(InputFiles inputs) {
    this.images = new ImageInputs(inputs);
    this.videos = new VideoInputs(inputs);
  }

  @Override
  public EngineResult run(EngineTask task, Reporter progress)
      throws EngineException, InterruptedException {
    long started = System.nanoTime();
    SandboxRequest request = SandboxRequest.from(task.modelId(), task.input(), task.settings());
    BufferedImage startImage = null;
    String aspect = request.aspectRatio();
    if (request.startImageUrl() != null) {
      startImage = Elements.image(images, "start_image_url", request.startImageUrl());
      aspect = OutputSize.nearestAspect(startImage.getWidth(), startImage.getHeight());
      progress.log(
          "start image "
              + startImage.getWidth()
              + "x"
              + startImage.getHeight()
              + ": output aspect "
              + aspect);
    }
    OutputSize size = OutputSize.of(request.shortSide(), aspect);
    Elements elements =
        Elements.load(
            request.elements(), images, videos, Math.min(size.width(), size.height()) / 5);
    ShotPlan plan = ShotPlan.of(request);
    List<Look> looks =
        plan.shots().stream()
            .map(s -> Look.of(s.prompt(), request.seed(), request.cfgScale()))
            .toList();
    int totalFrames = request.durationSeconds() * FPS;
    Soundtrack soundtrack =
        request.audio() ? Soundtrack.compose(plan.shots(), looks, totalFrames) : null;
    Shot first = plan.shots().getFirst();
    int posterFrame = first.startFrame() + first.frames() / 2;
    int shots = plan.shots().size();
    progress.log(
        "plan: "
            + shots
            + (shots == 1 ? " shot" : " shots")
            + " ("
            + plan.mode()
            + "), "
            + size.width()
            + "x"
            + size.height()
            + " at "
            + FPS
            + " fps, "
            + request.durationSeconds()
            + " s, audio "
            + (request.audio() ? "on" : "off")
            + ", seed "
            + request.seed());

    Path video = task.workDir().resolve("video.mp4");
    Path poster = task.workDir().resolve("poster.jpg");
    VideoFormat format =
        new VideoFormat(
            size.width(), size.height(), FPS, request.audio() ? 2 : 0, Soundtrack.SAMPLE_RATE);
    FramePainter painter =
        new FramePainter(
            size.width(),
            size.height(),
            "KINO SANDBOX  " + task.modelId(),
            looks,
            startImage,
            elements.inserts());
    try (FramePipeline frames =
            new FramePipeline(
                painter, plan.shots(), totalFrames, size.width(), size.height(), posterFrame);
        Mp4Writer writer = Mp4Writer.open(video, format)) {
      for (int frame = 0; frame < totalFrames; frame++) {
        task.checkStop("rendering at frame " + frame);
        ByteBuffer planes = frames.next();
        writer.writeYuv(planes);
        frames.recycle(planes);
        if (soundtrack != null) {
          writer.writeSamples(soundtrack.forFrame(frame));
        }
        progress.progress((frame + 1.0) / totalFrames);
      }
      ImageIO.write(frames.poster(), "jpg", poster.toFile());
      progress.log(
          "encoded "
              + totalFrames
              + " frames in "
              + (System.nanoTime() - started) / 1_000_000
              + " ms");
    } catch (MediaException | IOException e) {
      throw new EngineException(
          "render_failed", "the sandbox could not write the video: " + e.getMessage(), e);
    }
    ObjectNode metadata = metadata(request, size, plan, soundtrack, elements, posterFrame);
    metadata.put("render_ms", (System.nanoTime() - started) / 1_000_000);
    return new EngineResult(
        List.of(new OutputFile("video", video), new OutputFile("image", poster)), metadata);
  }

  private static ObjectNode metadata(
      SandboxRequest request,
      OutputSize size,
      ShotPlan plan,
      Soundtrack soundtrack,
      Elements elements,
      int posterFrame) {
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    metadata.put("engine", "sandbox");
    metadata.put("seed", request.seed());
    metadata.put("width", size.width());
    metadata.put("height", size.height());
    metadata.put("fps", FPS);
    metadata.put("frames", request.durationSeconds() * FPS);
    metadata.put("cfg_scale", request.cfgScale());
    if (request.negativePrompt() != null) {
      metadata.put("negative_prompt", request.negativePrompt());
    }
    ObjectNode split = metadata.putObject("shot_split");
    split.put("mode", plan.mode());
    split.put("shot_type", request.shotType());
    ArrayNode cues = split.putArray("cues");
    plan.cues().forEach(cues::add);
    ArrayNode shots = metadata.putArray("shots");
    List<String> moves = new ArrayList<>();
    for (Shot shot : plan.shots()) {
      ObjectNode s = shots.addObject();
      s.put("index", shot.index());
      s.put("prompt", shot.prompt());
      s.put("start_frame", shot.startFrame());
      s.put("frames", shot.frames());
      s.put("start_s", (double) shot.startFrame() / FPS);
      s.put("camera_move", shot.move().wire());
      if (soundtrack != null) {
        ArrayNode layers = s.putArray("sound_layers");
        soundtrack.layers().get(shot.index()).forEach(l -> layers.add(l.wire()));
      }
      moves.add(shot.move().wire());
    }
    ArrayNode cameraMoves = metadata.putArray("camera_moves");
    moves.forEach(cameraMoves::add);
    if (soundtrack != null) {
      ObjectNode sound = metadata.putObject("audio");
      sound.put("codec", "aac");
      sound.put("channels", 2);
      sound.put("sample_rate", Soundtrack.SAMPLE_RATE);
      sound.put("loudness_rms_dbfs", Soundtrack.TARGET_RMS_DBFS);
      ArrayNode cuts = sound.putArray("transition_frames");
      soundtrack.transitionFrames().forEach(cuts::add);
    } else {
      metadata.putNull("audio");
    }
    if (!elements.metadata().isEmpty()) {
      metadata.set("elements", elements.metadata());
    }
    metadata.put("poster_frame", posterFrame);
    return metadata;
  }
}
