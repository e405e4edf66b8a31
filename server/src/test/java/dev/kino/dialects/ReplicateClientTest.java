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
 * The official {@code replicate} npm package, unchanged but for its baseUrl, runs the seed models
 * on Kino: {@code run} (held by {@code Prefer: wait}), predictions created, polled, listed and
 * cancelled, a file input uploaded through {@code /files}, a failure and a validation error.
 */
class ReplicateClientTest {
  @Test
  void the_replicate_client_runs_predictions_against_kino() throws Exception {
    OfficialClients.require("replicate");
    Path out = Files.createTempDirectory("kino-replicate-");
    Path image = out.resolve("start.png");
    Files.write(image, Images.encode(Images.quadrants(1280, 720), "png"));
    try (TestServer server = TestServer.start(s -> s.withWorkers(2));
        Images host = Images.serve()) {
      String missing = host.put("/present.png", new byte[0]).replace("present", "missing");
      OfficialClients.Run run =
          OfficialClients.run(
              "replicate.mjs",
              Map.of("KINO_API_KEY", TestServer.ADMIN_KEY),
              server.api().base(),
              out.toString(),
              image.toString(),
              missing);
      assertThat(run.exitCode()).as(run.output()).isZero();

      JsonNode model = run.step("model");
      assertThat(model.path("owner").asString()).isEqualTo("kling");
      assertThat(model.path("name").asString()).isEqualTo("kling-3.0-standard-text-to-video");
      assertThat(model.path("input").toString()).contains("prompt").contains("duration");

      JsonNode ran = run.step("run");
      assertThat(ran.path("output").asString()).contains("/files/");
      assertThat(ran.at("/mp4/type").asString()).isEqualTo("video/mp4");
      assertThat(MediaProbe.probe(Path.of(ran.at("/mp4/file").asString())).durationSeconds())
          .isBetween(2.9, 3.2);

      JsonNode created = run.step("created").path("prediction");
      assertThat(created.path("status").asString()).isIn("starting", "processing");
      assertThat(created.path("model").asString())
          .isEqualTo("kling/kling-3.0-standard-text-to-video");
      assertThat(created.at("/urls/get").asString())
          .endsWith("/replicate/v1/predictions/" + created.path("id").asString());
      JsonNode polled = run.step("polled").path("prediction");
      assertThat(polled.path("status").asString()).isEqualTo("succeeded");
      assertThat(polled.at("/metrics/predict_time").asDouble()).isPositive();
      assertThat(polled.path("logs").asString()).isNotBlank();
      Api api = server.api();
      assertThat(api.status(created.path("id").asString()).text("status"))
          .as("the same job under /v1")
          .isEqualTo("completed");

      assertThat(run.step("version").path("output").asString()).contains("/files/");
      JsonNode file = run.step("file");
      assertThat(MediaProbe.probe(Path.of(file.at("/mp4/file").asString())).durationSeconds())
          .isBetween(2.9, 3.2);

      assertThat(run.step("canceled").at("/prediction/status").asString()).isEqualTo("canceled");
      assertThat(run.step("failed").path("message").asString()).startsWith("Prediction failed");
      JsonNode invalid = run.step("invalid");
      assertThat(invalid.path("status").asInt()).isEqualTo(422);
      assertThat(invalid.path("message").asString()).contains("duration");
      JsonNode events = run.step("stream").path("events");
      assertThat(events.toString()).contains("\"event\":\"logs\"");
      JsonNode output = events.get(events.size() - 2);
      assertThat(output.path("event").asString()).isEqualTo("output");
      assertThat(output.path("data").asString()).contains("/files/");
      assertThat(events.get(events.size() - 1).path("event").asString()).isEqualTo("done");
      assertThat(run.step("listed").path("ids").toString()).contains(created.path("id").asString());
    }
  }
}
