package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.media.MediaInfo;
import dev.kino.media.MediaProbe;
import dev.kino.testing.Api;
import dev.kino.testing.Images;
import dev.kino.testing.SharedServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seed pages' example requests, as a client sends them (only the prompt, plus the start image
 * for image-to-video), run to completion on the sandbox engine; the MP4s are downloaded through
 * their signed URLs and probed with FFmpeg for codec, size, frame count, duration and audio.
 */
class SeedExamplesEndToEndTest {
  static final String PRO = "kling/kling-3.0/pro/text-to-video";
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final Duration RENDER = Duration.ofSeconds(180);

  @RegisterExtension static final SharedServer SERVER = new SharedServer(2);
  static Images images;

  @BeforeAll
  static void serveImages() {
    images = Images.serve();
  }

  @AfterAll
  static void stopImages() {
    images.close();
  }

  @Test
  void the_pro_text_to_video_example_renders_5_seconds_of_1080p_h264_with_aac_sound()
      throws Exception {
    MediaInfo video = probe(render(PRO, seedExample(PRO)));

    assertThat(video.videoCodec()).isEqualTo("h264");
    assertThat(video.width()).isEqualTo(1920);
    assertThat(video.height()).isEqualTo(1080);
    assertThat(video.frameRate()).isEqualTo(24.0);
    assertThat(video.videoFrames()).isEqualTo(120);
    assertThat(video.durationSeconds()).isBetween(4.95, 5.1);
    assertThat(video.audioCodec()).isEqualTo("aac");
    assertThat(video.audioChannels()).isEqualTo(2);
    assertThat(video.sampleRate()).isEqualTo(48_000);
  }

  @Test
  void every_result_has_a_jpeg_poster_from_the_first_shot() throws Exception {
    JsonNode result =
        render(
            STD,
            json(
                "{\"prompt\": \"poster please\", \"duration\": 3, \"aspect_ratio\": \"9:16\", \"sound\": false}"));

    byte[] poster = Api.download(result.at("/output/image").asString(), null).body();
    BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(poster));
    assertThat(poster[0] & 0xff).isEqualTo(0xFF);
    assertThat(poster[1] & 0xff).isEqualTo(0xD8);
    assertThat(image.getWidth()).isEqualTo(720);
    assertThat(image.getHeight()).isEqualTo(1280);
    assertThat(result.at("/output/images/0").asString())
        .isEqualTo(result.at("/output/image").asString());
    assertThat(result.at("/metadata/engine/poster_frame").asInt()).isEqualTo(36);
  }

  @Test
  void the_standard_text_to_video_example_renders_5_seconds_of_720p_with_sound() throws Exception {
    MediaInfo video = probe(render(STD, seedExample(STD)));

    assertThat(video.videoCodec()).isEqualTo("h264");
    assertThat(video.width()).isEqualTo(1280);
    assertThat(video.height()).isEqualTo(720);
    assertThat(video.videoFrames()).isEqualTo(120);
    assertThat(video.hasAudio()).isTrue();
  }

  @Test
  void the_image_to_video_example_starts_on_the_image_and_follows_its_aspect() throws Exception {
    String imageUrl =
        images.put("/landscape.png", Images.encode(Images.quadrants(1200, 800), "png"));
    ObjectNode example = seedExample(I2V);
    example.put("start_image_url", imageUrl);

    JsonNode result = render(I2V, example);
    Path file = Api.downloadToFile(result.at("/output/video").asString());
    MediaInfo video = MediaProbe.probe(file);

    // 3:2 snaps to 16:9; standard tier is 720p; the seed default duration is 10 s; audio is on by
    // default.
    assertThat(video.width()).isEqualTo(1280);
    assertThat(video.height()).isEqualTo(720);
    assertThat(video.videoFrames()).isEqualTo(240);
    assertThat(video.hasAudio()).isTrue();
    BufferedImage first = MediaProbe.frame(file, 0);
    assertNear(first.getRGB(320, 180), new Color(220, 30, 30));
    assertNear(first.getRGB(960, 180), new Color(30, 200, 40));
    assertNear(first.getRGB(320, 540), new Color(30, 60, 220));
    assertNear(first.getRGB(960, 540), new Color(240, 230, 40));
  }

  @Test
  void
      a_portrait_start_image_gives_a_9_by_16_video_and_webp_bmp_and_jpeg_are_read_from_their_bytes()
          throws Exception {
    // Served under misleading names: the format comes from the bytes.
    for (String format : new String[] {"jpg", "bmp", "webp"}) {
      byte[] bytes = Images.encode(Images.quadrants(600, 1000), format);
      String url = images.put("/portrait-" + format + ".png", bytes);
      JsonNode result =
          render(
              I2V,
              json(
                  "{\"prompt\": \"p\", \"duration\": 3, \"generate_audio\": false, \"start_image_url\": \""
                      + url
                      + "\"}"));
      MediaInfo video = probe(result);

      assertThat(video.width()).as(format).isEqualTo(720);
      assertThat(video.height()).as(format).isEqualTo(1280);
      assertThat(video.hasAudio()).as(format).isFalse();
    }
  }

  @Test
  void a_file_that_is_not_an_image_fails_the_job_as_unsupported_format() {
    String url = images.put("/fake.png", "<html>not an image</html>".getBytes());
    String id =
        SERVER
            .api()
            .submitOk(
                I2V, "{\"prompt\": \"p\", \"duration\": 3, \"start_image_url\": \"" + url + "\"}");

    JsonNode result = SERVER.api().awaitState(id, RENDER, "completed", "failed");

    assertThat(result.at("/error/code").asString()).isEqualTo("unsupported_format");
  }

  @Test
  void aspect_ratio_sets_the_frame_and_sound_false_leaves_no_audio_track() throws Exception {
    MediaInfo portrait =
        probe(
            render(
                PRO,
                json(
                    "{\"prompt\": \"tall\", \"duration\": 3, \"aspect_ratio\": \"9:16\", \"sound\": false}")));
    MediaInfo square =
        probe(
            render(
                STD,
                json(
                    "{\"prompt\": \"square\", \"duration\": 4, \"aspect_ratio\": \"1:1\", \"sound\": false}")));

    assertThat(portrait.width()).isEqualTo(1080);
    assertThat(portrait.height()).isEqualTo(1920);
    assertThat(portrait.videoFrames()).isEqualTo(72);
    assertThat(portrait.hasAudio()).isFalse();
    assertThat(square.width()).isEqualTo(720);
    assertThat(square.height()).isEqualTo(720);
    assertThat(square.videoFrames()).isEqualTo(96);
    assertThat(square.hasAudio()).isFalse();
  }

  @Test
  void multi_prompt_segments_make_the_video_exactly_their_total_length() throws Exception {
    JsonNode result =
        render(
            STD,
            json(
                "{\"prompt\": \"p\", \"duration\": 7, \"aspect_ratio\": \"1:1\", \"multi_prompt\": [{\"prompt\": \"dawn over the sea\", \"duration\": 3}, {\"prompt\": \"night in the city\", \"duration\": 4}]}"));

    assertThat(probe(result).videoFrames()).isEqualTo(168);
    assertThat(result.at("/metadata/engine/shots/1/start_frame").asInt()).isEqualTo(72);
    assertThat(result.at("/metadata/engine/shots/1/prompt").asString())
        .isEqualTo("night in the city");
  }

  @Test
  void the_same_input_and_seed_give_a_byte_identical_video_and_another_seed_another_one()
      throws Exception {
    String body =
        "{\"prompt\": \"determinism, please\", \"duration\": 3, \"aspect_ratio\": \"16:9\", \"sound\": true, \"seed\": %d}";

    String first =
        sha256(
            Api.downloadToFile(
                render(STD, json(body.formatted(1234))).at("/output/video").asString()));
    String second =
        sha256(
            Api.downloadToFile(
                render(STD, json(body.formatted(1234))).at("/output/video").asString()));
    String otherSeed =
        sha256(
            Api.downloadToFile(
                render(STD, json(body.formatted(1235))).at("/output/video").asString()));

    assertThat(second).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
  }

  @Test
  void a_request_without_a_seed_reports_the_one_chosen_and_rerunning_with_it_reproduces_the_video()
      throws Exception {
    JsonNode chosen =
        render(
            STD, json("{\"prompt\": \"pick a seed\", \"duration\": 3, \"aspect_ratio\": \"1:1\"}"));
    long seed = chosen.at("/metadata/input/seed").asLong();
    JsonNode again =
        render(
            STD,
            json(
                "{\"prompt\": \"pick a seed\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"seed\": "
                    + seed
                    + "}"));

    assertThat(chosen.at("/metadata/engine/seed").asLong()).isEqualTo(seed);
    assertThat(sha256(Api.downloadToFile(again.at("/output/video").asString())))
        .isEqualTo(sha256(Api.downloadToFile(chosen.at("/output/video").asString())));
  }

  /**
   * The seed page's example body: the prompt the page shows (the schema's example default) and
   * nothing else.
   */
  private static ObjectNode seedExample(String model) {
    JsonNode schema = SERVER.api().get("/v1/models/" + model).body().path("input_schema");
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("prompt", schema.at("/properties/prompt/default").asString());
    assertThat(body.path("prompt").asString()).hasSizeGreaterThan(100);
    return body;
  }

  private static JsonNode render(String model, ObjectNode input) {
    String id = SERVER.api().submitOk(model, input.toString());
    JsonNode result = SERVER.api().awaitState(id, RENDER, "completed", "failed");
    assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("completed");
    return result;
  }

  private static MediaInfo probe(JsonNode result) throws Exception {
    return MediaProbe.probe(Api.downloadToFile(result.at("/output/video").asString()));
  }

  private static ObjectNode json(String text) {
    return (ObjectNode) JsonMapper.shared().readTree(text);
  }

  private static void assertNear(int rgb, Color expected) {
    Color actual = new Color(rgb);
    assertThat(Math.abs(actual.getRed() - expected.getRed())).as("red of " + actual).isLessThan(40);
    assertThat(Math.abs(actual.getGreen() - expected.getGreen()))
        .as("green of " + actual)
        .isLessThan(40);
    assertThat(Math.abs(actual.getBlue() - expected.getBlue()))
        .as("blue of " + actual)
        .isLessThan(40);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
