package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.FakeHailuo;
import dev.kino.testing.FakeProvider;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code hailuo} (MiniMax's video generation API) against {@link FakeHailuo}, serving the
 * shipped definitions of {@code examples/upstream/hailuo}: the provider contract, and every model
 * to a stored video.
 */
class HailuoEngineEndToEndTest extends ShippedModelsContract {
  HailuoEngineEndToEndTest() {
    super(
        new Shipped(
            "hailuo",
            FakeHailuo::new,
            "upstream/hailuo",
            "",
            "MINIMAX_API_KEY",
            "MiniMax-Hailuo-2.3",
            "minimax/hailuo-2.3/text-to-video",
            "first_frame_image_url",
            true,
            false,
            ""));
  }

  @Override
  String fullRequest() {
    return """
        {"prompt": "rain on a window [Push in]", "duration": 10, "resolution": "768P",
         "prompt_optimizer": false}""";
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received().getFirst().path()).isEqualTo("/v1/video_generation");
    assertThat(received.path("model").asString()).isEqualTo("MiniMax-Hailuo-2.3");
    assertThat(received.path("prompt").asString()).isEqualTo("rain on a window [Push in]");
    assertThat(received.path("duration").asInt()).isEqualTo(10);
    assertThat(received.path("resolution").asString()).isEqualTo("768P");
    assertThat(received.path("prompt_optimizer").asBoolean()).isFalse();
  }

  @Override
  void assertImageSent(FakeProvider fake) {
    assertThat(fake.bodies("POST", "/v1/video_generation"))
        .filteredOn(b -> b.has("first_frame_image"))
        .isNotEmpty()
        .allSatisfy(
            b ->
                assertThat(b.path("first_frame_image").asString())
                    .startsWith("data:image/png;base64,"));
  }
}
