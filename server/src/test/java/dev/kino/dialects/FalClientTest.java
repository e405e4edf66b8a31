package dev.kino.dialects;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The official {@code @fal-ai/client}, configured only with fal's proxy convention pointing at
 * Kino, runs the seed models: {@code subscribe} polling and streaming, {@code queue.submit}, {@code
 * status}, {@code result} and {@code cancel}, a failure and a validation error.
 */
class FalClientTest {
  @Test
  void the_fal_client_runs_its_queue_against_kino() throws Exception {
    OfficialClients.require("@fal-ai/client");
    Path out = Files.createTempDirectory("kino-fal-");
    try (TestServer server = TestServer.start(s -> s.withWorkers(2));
        Images host = Images.serve()) {
      String image = host.put("/start.png", Images.encode(Images.quadrants(1280, 720), "png"));
      String missing = image.replace("start", "missing");
      Path imageFile = out.resolve("start.png");
      Files.write(imageFile, Images.encode(Images.quadrants(1280, 720), "png"));
      OfficialClients.Run run =
          OfficialClients.run(
              "fal.mjs",
              Map.of("KINO_API_KEY", TestServer.ADMIN_KEY),
              server.api().base(),
              out.toString(),
              image,
              missing,
              imageFile.toString());
      assertThat(run.exitCode()).as(run.output()).isZero();

      JsonNode polling = run.step("polling");
      assertThat(polling.at("/data/video/content_type").asString()).isEqualTo("video/mp4");
      assertThat(polling.at("/data/video/file_size").asLong())
          .isEqualTo(polling.at("/mp4/bytes").asLong());
      assertThat(polling.at("/data/video/file_name").asString()).endsWith(".mp4");
      assertThat(polling.at("/data/seed").isNumber()).isTrue();
      assertThat(MediaProbe.probe(Path.of(polling.at("/mp4/file").asString())).durationSeconds())
          .isBetween(2.9, 3.2);
      assertThat(polling.path("updates").toString()).contains("COMPLETED");
      Api api = server.api();
      assertThat(api.status(polling.path("requestId").asString()).text("status"))
          .as("the same job under /v1")
          .isEqualTo("completed");

      JsonNode streaming = run.step("streaming");
      assertThat(streaming.at("/data/video/url").asString()).contains("/files/");
      assertThat(streaming.path("updates").toString()).contains("COMPLETED");

      JsonNode queue = run.step("queue");
      assertThat(queue.at("/status/status").asString()).isEqualTo("COMPLETED");
      assertThat(queue.at("/status/logs").isArray()).isTrue();
      assertThat(MediaProbe.probe(Path.of(queue.at("/mp4/file").asString())).durationSeconds())
          .isBetween(2.9, 3.2);

      JsonNode blob = run.step("blob");
      assertThat(blob.at("/data/video/url").asString()).contains("/files/");
      assertThat(
              api.result(blob.path("requestId").asString())
                  .body()
                  .at("/metadata/input/start_image_url")
                  .asString())
          .as("the Blob was uploaded to Kino and its file_url sent")
          .contains("/v1/files/");

      JsonNode failed = run.step("failed");
      assertThat(failed.path("status").asInt()).isEqualTo(500);
      assertThat(failed.at("/body/detail").asString()).isNotBlank();

      JsonNode invalid = run.step("invalid");
      assertThat(invalid.path("name").asString()).isEqualTo("ValidationError");
      assertThat(invalid.path("status").asInt()).isEqualTo(422);
      assertThat(invalid.at("/body/detail/0/loc").toString()).isEqualTo("[\"body\",\"duration\"]");

      JsonNode cancelled = run.step("cancelled");
      assertThat(cancelled.path("status").asString()).isEqualTo("COMPLETED");
      assertThat(cancelled.at("/result/status").asInt()).isEqualTo(400);
      assertThat(api.status(cancelled.path("requestId").asString()).text("status"))
          .isEqualTo("cancelled");
    }
  }
}
