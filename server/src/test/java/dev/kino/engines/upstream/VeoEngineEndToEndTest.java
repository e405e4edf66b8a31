package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeVeo;
import dev.kino.testing.TestServer;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code veo} (Google's Veo through the Gemini API) against {@link FakeVeo}, serving the
 * shipped definitions of {@code examples/upstream/veo}: the provider contract, and every model to a
 * stored video.
 */
class VeoEngineEndToEndTest extends ShippedModelsContract {
  VeoEngineEndToEndTest() {
    super(
        new Shipped(
            "veo",
            FakeVeo::new,
            "upstream/veo",
            "/v1beta",
            "GEMINI_API_KEY",
            "veo-3.1-generate-preview",
            "google/veo-3.1/text-to-video",
            "image_url",
            true,
            true,
            ""));
  }

  @Override
  String fullRequest() {
    return """
        {"prompt": "rain on a window", "negativePrompt": "people", "aspectRatio": "9:16",
         "durationSeconds": 6, "seed": 7}""";
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.keyChecks()).as("the key checked at start-up").isPositive();
    assertThat(fake.received().getFirst().path())
        .isEqualTo("/v1beta/models/veo-3.1-generate-preview:predictLongRunning");
    assertThat(received.at("/instances/0/prompt").asString()).isEqualTo("rain on a window");
    JsonNode parameters = received.path("parameters");
    assertThat(parameters.path("negativePrompt").asString()).isEqualTo("people");
    assertThat(parameters.path("aspectRatio").asString()).isEqualTo("9:16");
    assertThat(parameters.path("durationSeconds").asInt()).isEqualTo(6);
    assertThat(parameters.path("resolution").asString()).as("the default").isEqualTo("720p");
    assertThat(parameters.path("personGeneration").asString()).isEqualTo("allow_all");
    assertThat(parameters.path("seed").asInt()).isEqualTo(7);
    assertThat(parameters.has("prompt")).isFalse();
  }

  @Test
  void a_1080p_video_of_other_than_8_seconds_is_refused_at_submit() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      Api.Answer refused =
          kino.api()
              .submit(
                  model(),
                  "{\"prompt\": \"p\", \"resolution\": \"1080p\", \"durationSeconds\": 4}");
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.body().at("/detail/errors/0/path").asString())
          .isEqualTo("durationSeconds");
      assertThat(fake.tasksCreated()).isZero();
    }
  }

  @Override
  void assertImageSent(FakeProvider fake) {
    JsonNode image =
        fake.bodies("POST", "/v1beta/models/veo-3.1-fast-generate-preview").stream()
            .filter(b -> b.at("/instances/0").has("image"))
            .findFirst()
            .orElseThrow()
            .at("/instances/0/image");
    assertThat(image.path("mimeType").asString()).isEqualTo("image/png");
    assertThat(Base64.getDecoder().decode(image.path("bytesBase64Encoded").asString()))
        .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }
}
