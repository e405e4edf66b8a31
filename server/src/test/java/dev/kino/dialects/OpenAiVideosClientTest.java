package dev.kino.dialects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.media.MediaInfo;
import dev.kino.media.MediaProbe;
import dev.kino.testing.Api;
import dev.kino.testing.Images;
import dev.kino.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The official {@code openai} npm package, unchanged but for its base URL, makes, lists, remixes,
 * downloads and deletes videos on Kino; the MP4s it downloads are probed here.
 */
class OpenAiVideosClientTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";

  @Test
  void the_openai_sdk_runs_its_videos_calls_against_kino() throws Exception {
    OfficialClients.require("openai");
    Path out = Files.createTempDirectory("kino-openai-");
    Path image = out.resolve("start.png");
    Files.write(image, Images.encode(Images.quadrants(1280, 720), "png"));
    try (TestServer server = TestServer.start(s -> s.withWorkers(2));
        Images host = Images.serve()) {
      String missing = host.put("/present.png", new byte[0]).replace("present", "missing");
      OfficialClients.Run run =
          OfficialClients.run(
              "openai-videos.mjs",
              Map.of("KINO_API_KEY", TestServer.ADMIN_KEY),
              server.api().base(),
              out.toString(),
              image.toString(),
              missing);
      assertThat(run.exitCode()).as(run.output()).isZero();

      JsonNode created = run.step("created").path("video");
      assertThat(created.path("object").asString()).isEqualTo("video");
      assertThat(created.path("model").asString()).isEqualTo(T2V);
      assertThat(created.path("status").asString()).isIn("queued", "in_progress");
      assertThat(created.path("seconds").asString()).isEqualTo("4");
      assertThat(created.path("size").asString()).isEqualTo("1280x720");
      assertThat(created.path("prompt").asString()).isEqualTo("A lighthouse at dusk");
      String id = created.path("id").asString();
      Api api = server.api();
      assertThat(api.status(id).text("model_id")).as("the same job under /v1").isEqualTo(T2V);

      JsonNode completed = run.step("completed");
      assertThat(completed.at("/video/status").asString()).isEqualTo("completed");
      assertThat(completed.at("/video/progress").asInt()).isEqualTo(100);
      assertThat(completed.at("/video/completed_at").asLong())
          .isGreaterThanOrEqualTo(created.path("created_at").asLong());
      assertThat(completed.at("/mp4/type").asString()).isEqualTo("video/mp4");
      MediaInfo text = MediaProbe.probe(Path.of(completed.at("/mp4/file").asString()));
      assertThat(text.durationSeconds()).isBetween(3.9, 4.2);
      assertThat(text.width() * 9).isEqualTo(text.height() * 16);
      assertThat(completed.at("/thumbnail/type").asString()).startsWith("image/");
      assertThat(completed.at("/thumbnail/bytes").asLong()).isPositive();

      assertThat(run.step("listed").path("ids").toString()).contains(id);

      JsonNode remixed = run.step("remixed").path("video");
      assertThat(remixed.path("remixed_from_video_id").asString()).isEqualTo(id);
      assertThat(remixed.path("prompt").asString()).isEqualTo("The same lighthouse at dawn");
      assertThat(remixed.path("status").asString()).isEqualTo("completed");
      assertThat(
              MediaProbe.probe(Path.of(run.step("remixed").at("/mp4/file").asString()))
                  .durationSeconds())
          .isBetween(3.9, 4.2);

      JsonNode fromImage = run.step("image");
      assertThat(fromImage.at("/video/status").asString()).isEqualTo("completed");
      assertThat(
              api.result(fromImage.at("/video/id").asString())
                  .body()
                  .at("/metadata/input/start_image_url")
                  .asString())
          .as("the file part became the job's start image")
          .contains("/v1/files/");

      JsonNode invalid = run.step("invalid");
      assertThat(invalid.path("status").asInt()).isEqualTo(400);
      assertThat(invalid.path("param").asString()).isEqualTo("seconds");
      assertThat(invalid.path("type").asString()).isEqualTo("invalid_request_error");

      JsonNode failed = run.step("failed").path("video");
      assertThat(failed.path("status").asString()).isEqualTo("failed");
      assertThat(failed.at("/error/code").asString()).isNotBlank();
      assertThat(failed.at("/error/message").asString()).isNotBlank();

      assertThat(run.step("deleted").at("/deleted/deleted").asBoolean()).isTrue();
      assertThat(run.step("deleted").at("/deleted/object").asString()).isEqualTo("video.deleted");
      assertThat(run.step("after-delete").path("status").asInt()).isEqualTo(404);
    }
  }
}
