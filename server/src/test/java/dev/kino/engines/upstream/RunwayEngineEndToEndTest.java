package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeRunway;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code runway} (Runway's developer API) against {@link FakeRunway}, serving the shipped
 * definitions of {@code examples/upstream/runway}: the provider contract, and every model to a
 * stored video.
 */
class RunwayEngineEndToEndTest extends ShippedModelsContract {
  RunwayEngineEndToEndTest() {
    super(
        new Shipped(
            "runway",
            FakeRunway::new,
            "upstream/runway",
            "",
            "RUNWAYML_API_SECRET",
            "gen4.5",
            "runway/gen4.5/text-to-video",
            "promptImage_url",
            true,
            true,
            "DELETE /v1/tasks/"));
  }

  @Override
  String simpleRequest() {
    return "{\"promptText\": \"p\"}";
  }

  @Override
  String promptField() {
    return "\"promptText\"";
  }

  @Override
  String fullRequest() {
    return """
        {"promptText": "rain on a window", "ratio": "720:1280", "duration": 7, "seed": 7}""";
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received())
        .extracting(r -> r.method() + " " + r.path())
        .contains("POST /v1/text_to_video");
    assertThat(received.path("model").asString()).isEqualTo("gen4.5");
    assertThat(received.path("promptText").asString()).isEqualTo("rain on a window");
    assertThat(received.path("ratio").asString()).isEqualTo("720:1280");
    assertThat(received.path("duration").asInt()).isEqualTo(7);
    assertThat(received.path("seed").asInt()).isEqualTo(7);
  }

  @Override
  void assertImageSent(FakeProvider fake) {
    assertThat(fake.bodies("POST", "/v1/image_to_video"))
        .isNotEmpty()
        .allSatisfy(
            b -> assertThat(b.path("promptImage").asString()).startsWith("data:image/png;base64,"));
  }
}
