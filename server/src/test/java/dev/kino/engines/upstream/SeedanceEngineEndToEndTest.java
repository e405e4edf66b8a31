package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeSeedance;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code seedance} against its fake, serving the shipped definitions of {@code
 * examples/upstream/seedance}: the provider contract, and every model to a stored video.
 */
class SeedanceEngineEndToEndTest extends ShippedModelsContract {
  SeedanceEngineEndToEndTest() {
    super(
        new Shipped(
            "seedance",
            FakeSeedance::new,
            "upstream/seedance",
            "/api/v3",
            "ARK_API_KEY",
            "seedance-1-0-pro-250528",
            "bytedance/seedance-1.0-pro/text-to-video",
            "first_frame_url",
            false,
            false,
            ""));
  }

  @Override
  String fullRequest() {
    return """
        {"prompt": "rain on a window", "resolution": "720p", "ratio": "9:16", "duration": 7, "seed": 7,
         "camerafixed": true}""";
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received().getFirst().path()).isEqualTo("/api/v3/contents/generations/tasks");
    assertThat(received.path("model").asString()).isEqualTo("seedance-1-0-pro-250528");
    JsonNode text = received.path("content").path(0);
    assertThat(text.path("type").asString()).isEqualTo("text");
    assertThat(text.path("text").asString())
        .startsWith("rain on a window ")
        .contains(
            "--resolution 720p", "--ratio 9:16", "--duration 7", "--seed 7", "--camerafixed true");
  }

  @Override
  void assertImageSent(FakeProvider fake) {
    assertThat(fake.bodies("POST", "/api/v3/contents/generations/tasks"))
        .filteredOn(b -> b.path("content").size() == 2)
        .isNotEmpty()
        .allSatisfy(
            b -> {
              assertThat(b.at("/content/1/role").asString()).isEqualTo("first_frame");
              assertThat(b.at("/content/1/image_url/url").asString())
                  .startsWith("data:image/png;base64,");
            });
  }
}
