package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeWan;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code wan} against its fake, serving the shipped definitions of {@code
 * examples/upstream/wan}: the provider contract, and every model to a stored video.
 */
class WanEngineEndToEndTest extends ShippedModelsContract {
  WanEngineEndToEndTest() {
    super(
        new Shipped(
            "wan",
            FakeWan::new,
            "upstream/wan",
            "/api/v1",
            "DASHSCOPE_API_KEY",
            "wan2.2-t2v-plus",
            "alibaba/wan-2.2-plus/text-to-video",
            "img_url",
            false,
            false,
            ""));
  }

  @Override
  String fullRequest() {
    return """
        {"prompt": "rain on a window", "negative_prompt": "people", "size": "1080*1920", "seed": 7,
         "prompt_extend": false}""";
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received().getFirst().path())
        .isEqualTo("/api/v1/services/aigc/video-generation/video-synthesis");
    assertThat(received.path("model").asString()).isEqualTo("wan2.2-t2v-plus");
    assertThat(received.at("/input/prompt").asString()).isEqualTo("rain on a window");
    assertThat(received.at("/input/negative_prompt").asString()).isEqualTo("people");
    assertThat(received.at("/parameters/size").asString()).isEqualTo("1080*1920");
    assertThat(received.at("/parameters/duration").asInt()).isEqualTo(5);
    assertThat(received.at("/parameters/seed").asInt()).isEqualTo(7);
    assertThat(received.at("/parameters/prompt_extend").asBoolean()).isFalse();
  }

  @Override
  void assertImageSent(FakeProvider fake) {
    assertThat(fake.bodies("POST", "/api/v1/services/aigc/video-generation/video-synthesis"))
        .filteredOn(b -> b.path("input").has("img_url"))
        .isNotEmpty()
        .allSatisfy(
            b ->
                assertThat(b.at("/input/img_url").asString()).startsWith("data:image/png;base64,"));
  }
}
