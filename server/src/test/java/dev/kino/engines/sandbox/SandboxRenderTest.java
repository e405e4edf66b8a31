package dev.kino.engines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.OutputFile;
import dev.kino.engines.Reporter;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.UrlFetcher;
import dev.kino.media.MediaProbe;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.network.AddressPolicy;
import dev.kino.testing.Frames;
import dev.kino.testing.Images;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sandbox engine's outputs, decoded and measured: where the cuts fall, what frame 0 is, what
 * the audio holds, what seeds and cfg_scale change, what elements add. Inputs go through the real
 * model validation first, so they carry the defaults a submitted request would.
 */
class SandboxRenderTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final ModelCatalog CATALOG = ModelCatalog.load(Optional.empty());
  static final UrlFetcher FETCHER = new UrlFetcher(new AddressPolicy(List.of("127.0.0.1")));
  static final SandboxEngine ENGINE = new SandboxEngine(InputFiles.fetchingOnly(FETCHER));
  static Images host;

  @BeforeAll
  static void serveInputs() {
    host = Images.serve();
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @Test
  void multi_prompt_cuts_fall_exactly_on_the_segment_boundaries() throws Exception {
    Rendered r =
        render(
            STD,
            "{\"prompt\": \"p\", \"duration\": 6, \"aspect_ratio\": \"1:1\", \"sound\": false, \"seed\": 3,"
                + " \"multi_prompt\": [{\"prompt\": \"a sunrise over calm water\", \"duration\": 3}, {\"prompt\": \"a neon city at night, zoom in\", \"duration\": 3}]}");

    List<BufferedImage> frames = Frames.all(r.video());
    double[] change = new double[frames.size()];
    for (int i = 1; i < frames.size(); i++) {
      change[i] = Frames.difference(frames.get(i - 1), frames.get(i));
    }
    int cut = 1;
    for (int i = 1; i < change.length; i++) {
      cut = change[i] > change[cut] ? i : cut;
    }
    double[] others = Arrays.stream(change).skip(1).filter(c -> c != change[72]).toArray();

    assertThat(frames).hasSize(144);
    assertThat(cut).isEqualTo(72);
    assertThat(change[72]).isGreaterThan(4 * Arrays.stream(others).max().orElseThrow());
    assertThat(r.metadata().at("/shots/1/start_frame").asInt()).isEqualTo(72);
    assertThat(r.metadata().at("/camera_moves").toString()).isEqualTo("[\"static\",\"push_in\"]");
    assertThat(r.metadata().at("/shot_split/mode").asString()).isEqualTo("multi_prompt");
  }

  @Test
  void frame_0_is_the_fitted_start_image_and_the_camera_move_animates_it() throws Exception {
    BufferedImage start = Images.quadrants(1000, 700);
    String url = host.put("/start.png", Images.encode(start, "png"));
    Rendered r =
        render(
            I2V,
            "{\"prompt\": \"slow dolly-in on the quadrants\", \"duration\": 3, \"generate_audio\": false, \"start_image_url\": \""
                + url
                + "\"}");

    List<BufferedImage> frames = Frames.all(r.video());
    BufferedImage fitted = FramePainter.fitted(start, 1280, 720);

    assertThat(Frames.psnr(frames.get(0), fitted)).isGreaterThan(30);
    assertThat(Frames.psnr(frames.get(71), fitted)).isLessThan(25);
    assertThat(r.metadata().at("/camera_moves/0").asString()).isEqualTo("push_in");
  }

  @Test
  void audio_lasts_the_whole_video_at_the_normalised_loudness() throws Exception {
    Rendered r =
        render(
            STD,
            "{\"prompt\": \"rain on a tin roof, distant bells\", \"duration\": 4, \"aspect_ratio\": \"1:1\", \"sound\": true, \"seed\": 9}");

    Frames.Audio audio = Frames.audio(r.video());

    assertThat(audio.channels()).isEqualTo(2);
    assertThat(audio.sampleRate()).isEqualTo(48_000);
    assertThat(audio.seconds()).isBetween(3.95, 4.1);
    assertThat(audio.rmsDbfs()).isBetween(-22.0, -18.0);
    assertThat(r.metadata().at("/shots/0/sound_layers").toString())
        .isEqualTo("[\"rain\",\"bells\"]");
  }

  @Test
  void audio_off_leaves_no_audio_track() throws Exception {
    Rendered r =
        render(
            STD,
            "{\"prompt\": \"rain\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}");

    assertThat(MediaProbe.probe(r.video()).hasAudio()).isFalse();
    assertThat(r.metadata().path("audio").isNull()).isTrue();
  }

  @Test
  void each_cut_gets_a_sound_transition() throws Exception {
    Rendered r =
        render(
            STD,
            "{\"prompt\": \"p\", \"duration\": 6, \"aspect_ratio\": \"1:1\", \"sound\": true,"
                + " \"multi_prompt\": [{\"prompt\": \"waves\", \"duration\": 3}, {\"prompt\": \"crickets\", \"duration\": 3}]}");

    assertThat(r.metadata().at("/audio/transition_frames").toString()).isEqualTo("[72]");
    assertThat(r.metadata().at("/shots/0/sound_layers").toString()).isEqualTo("[\"waves\"]");
    assertThat(r.metadata().at("/shots/1/sound_layers").toString()).isEqualTo("[\"crickets\"]");
  }

  @Test
  void equal_seeds_give_identical_bytes_and_different_seeds_different_ones() throws Exception {
    String body =
        "{\"prompt\": \"a lighthouse, pan left\", \"duration\": 3, \"aspect_ratio\": \"16:9\", \"sound\": true, \"seed\": %d}";

    byte[] a = Files.readAllBytes(render(STD, body.formatted(5)).video());
    byte[] b = Files.readAllBytes(render(STD, body.formatted(5)).video());
    byte[] c = Files.readAllBytes(render(STD, body.formatted(6)).video());

    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void a_higher_cfg_scale_gives_visibly_more_saturated_frames() throws Exception {
    String body =
        "{\"prompt\": \"a garden\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false, \"seed\": 1, \"cfg_scale\": %s}";

    double low = Frames.saturation(Frames.all(render(STD, body.formatted("0.1")).video()).get(12));
    double high = Frames.saturation(Frames.all(render(STD, body.formatted("0.9")).video()).get(12));

    assertThat(high).isGreaterThan(low + 0.2);
  }

  @Test
  void negative_prompt_and_cfg_scale_are_recorded() throws Exception {
    Rendered r =
        render(
            STD,
            "{\"prompt\": \"a garden\", \"negative_prompt\": \"blur, text\", \"cfg_scale\": 0.8, \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}");

    assertThat(r.metadata().path("negative_prompt").asString()).isEqualTo("blur, text");
    assertThat(r.metadata().path("cfg_scale").asDouble()).isEqualTo(0.8);
  }

  @Test
  void elements_appear_as_labelled_inserts_and_their_videos_are_probed() throws Exception {
    String start = host.put("/e-start.png", Images.encode(Images.quadrants(1280, 720), "png"));
    String frontal =
        host.put("/e-front.png", Images.encode(solid(400, 400, new Color(250, 20, 200)), "png"));
    String reference =
        host.put("/e-ref.jpg", Images.encode(solid(300, 300, new Color(20, 250, 250)), "jpg"));
    String motion = host.put("/e-motion.mp4", Images.twoSecondVideo());
    Rendered r =
        render(
            I2V,
            "{\"prompt\": \"p\", \"duration\": 3, \"generate_audio\": false, \"start_image_url\": \""
                + start
                + "\","
                + " \"elements\": [{\"frontal_image_url\": \""
                + frontal
                + "\", \"reference_image_urls\": [\""
                + reference
                + "\"], \"video_url\": \""
                + motion
                + "\"},"
                + " {\"reference_image_urls\": [\""
                + reference
                + "\"]}]}");

    assertThat(r.metadata().at("/elements/0/images").asInt()).isEqualTo(2);
    assertThat(r.metadata().at("/elements/0/video/duration_s").asDouble()).isBetween(1.9, 2.1);
    assertThat(r.metadata().at("/elements/0/video/codec").asString()).isEqualTo("h264");
    assertThat(r.metadata().at("/elements/1/images").asInt()).isEqualTo(1);
    // The first insert sits top right: the frontal image's magenta; below it the reference's cyan.
    BufferedImage frame = Frames.all(r.video()).get(12);
    assertNear(frame.getRGB(1176, 150), new Color(250, 20, 200));
    assertNear(frame.getRGB(1176, 150 + 144 + 32), new Color(20, 250, 250));
  }

  @Test
  void an_element_video_that_is_not_a_video_fails_the_job_with_its_field() {
    String start = host.put("/f-start.png", Images.encode(Images.quadrants(640, 360), "png"));
    String notVideo = host.put("/f-motion.mp4", Images.encode(Images.quadrants(64, 64), "png"));

    assertThatThrownBy(
            () ->
                render(
                    I2V,
                    "{\"prompt\": \"p\", \"duration\": 3, \"start_image_url\": \""
                        + start
                        + "\", \"elements\": [{\"video_url\": \""
                        + notVideo
                        + "\"}]}"))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> {
              assertThat(e.code()).isEqualTo("unsupported_format");
              assertThat(e.getMessage()).startsWith("elements[0].video_url");
            });
  }

  @Test
  void progress_is_reported_frame_by_frame_up_to_one_and_the_run_is_logged() throws Exception {
    List<Double> reports = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    render(
        STD,
        "{\"prompt\": \"p\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}",
        new Reporter() {
          @Override
          public void progress(double fraction) {
            reports.add(fraction);
          }

          @Override
          public void log(String message) {
            lines.add(message);
          }
        });

    assertThat(reports).hasSize(72).isSorted();
    assertThat(reports.getLast()).isEqualTo(1.0);
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).contains("1 shot").contains("720x720"))
        .anySatisfy(l -> assertThat(l).startsWith("encoded 72 frames"));
  }

  @Test
  void a_render_told_to_stop_ends_at_the_next_frame_even_when_its_interrupt_was_swallowed()
      throws Exception {
    Model m = CATALOG.find(STD).orElseThrow();
    ObjectNode input =
        m.validate(
            JsonMapper.shared().readTree("{\"prompt\": \"p\", \"duration\": 3, \"sound\": false}"));
    EngineTask simple =
        EngineTask.simple(
            "stop", STD, input, m.definition().engineSettings(), 1, Files.createTempDirectory("s"));
    AtomicBoolean stop = new AtomicBoolean();
    EngineTask task =
        new EngineTask(
            simple.jobId(),
            simple.modelId(),
            simple.input(),
            simple.settings(),
            simple.attempt(),
            simple.workDir(),
            Optional.empty(),
            simple.slot(),
            () -> false,
            stop::get,
            Optional.empty(),
            false);
    List<Double> reports = new ArrayList<>();
    Reporter stopsAtTen =
        new Reporter() {
          @Override
          public void progress(double fraction) {
            reports.add(fraction);
            if (reports.size() == 10) {
              // What the worker pool does on an orderly stop, minus the interrupt: the JDK's
              // TrueType reader clears one when it reopens a font file.
              stop.set(true);
            }
          }

          @Override
          public void log(String message) {}
        };

    assertThatThrownBy(() -> ENGINE.run(task, stopsAtTen))
        .isInstanceOf(InterruptedException.class)
        .hasMessageContaining("frame 10");
    assertThat(reports).hasSize(10);
  }

  record Rendered(Path video, Path poster, JsonNode metadata) {}

  private static Rendered render(String model, String body) throws Exception {
    return render(model, body, Reporter.ignoring());
  }

  private static Rendered render(String model, String body, Reporter progress) throws Exception {
    Model m = CATALOG.find(model).orElseThrow();
    ObjectNode input = m.validate(JsonMapper.shared().readTree(body));
    Path work = Files.createTempDirectory("kino-sandbox-test-");
    EngineResult result =
        ENGINE.run(
            EngineTask.simple("test", model, input, m.definition().engineSettings(), 1, work),
            progress);
    Path video =
        result.files().stream()
            .filter(f -> f.field().equals("video"))
            .map(OutputFile::path)
            .findFirst()
            .orElseThrow();
    Path poster =
        result.files().stream()
            .filter(f -> f.field().equals("image"))
            .map(OutputFile::path)
            .findFirst()
            .orElseThrow();
    return new Rendered(video, poster, result.metadata());
  }

  private static BufferedImage solid(int w, int h, Color color) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return image;
  }

  private static void assertNear(int rgb, Color expected) {
    Color actual = new Color(rgb);
    assertThat(
            Math.abs(actual.getRed() - expected.getRed())
                + Math.abs(actual.getGreen() - expected.getGreen())
                + Math.abs(actual.getBlue() - expected.getBlue()))
        .as("colour " + actual + " near " + expected)
        .isLessThan(90);
  }
}
