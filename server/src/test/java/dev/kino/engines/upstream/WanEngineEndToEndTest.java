package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Examples;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeWan;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code wan} against its fake, serving the shipped definitions of {@code
 * examples/upstream/wan}: the provider contract, and every model to a stored video.
 */
class WanEngineEndToEndTest extends ProviderContract {
  static final Path EXAMPLES = Examples.dir("upstream/wan");

  @Override
  String engine() {
    return "wan";
  }

  @Override
  FakeProvider fake(String key) {
    return new FakeWan(key);
  }

  @Override
  String providerModel() {
    return "wan2.2-t2v-plus";
  }

  @Override
  Map<String, String> keys() {
    return Map.of("DASHSCOPE_API_KEY", key());
  }

  @Override
  String model() {
    return "alibaba/wan-2.2-plus/text-to-video";
  }

  @Override
  String fullRequest() {
    return """
        {"prompt": "rain on a window", "negative_prompt": "people", "size": "1080*1920", "seed": 7,
         "prompt_extend": false}""";
  }

  @Override
  Path modelsDir(FakeProvider fake) {
    return Examples.pointedAt(EXAMPLES, fake.url() + "/api/v1");
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
  String cancelCall() {
    return ""; // the API cancels only a task still queued there
  }

  @Override
  boolean reportsProgress() {
    return false;
  }

  @Override
  boolean reportsLogs() {
    return false;
  }

  @Override
  Optional<Path> examples() {
    return Optional.of(EXAMPLES);
  }

  @Override
  String imageField() {
    return "img_url";
  }

  @Override
  boolean verifiesKeys() {
    return false; // the API has no call that checks a key for free
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
