package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Examples;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeSeedance;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code seedance} against its fake, serving the shipped definitions of {@code
 * examples/upstream/seedance}: the provider contract, and every model to a stored video.
 */
class SeedanceEngineEndToEndTest extends ProviderContract {
  static final Path EXAMPLES = Examples.dir("upstream/seedance");

  @Override
  String engine() {
    return "seedance";
  }

  @Override
  FakeProvider fake(String key) {
    return new FakeSeedance(key);
  }

  @Override
  String providerModel() {
    return "seedance-1-0-pro-250528";
  }

  @Override
  Map<String, String> keys() {
    return Map.of("ARK_API_KEY", key());
  }

  @Override
  String model() {
    return "bytedance/seedance-1.0-pro/text-to-video";
  }

  @Override
  String fullRequest() {
    return """
        {"prompt": "rain on a window", "resolution": "720p", "ratio": "9:16", "duration": 7, "seed": 7,
         "camerafixed": true}""";
  }

  @Override
  Path modelsDir(FakeProvider fake) {
    return Examples.pointedAt(EXAMPLES, fake.url() + "/api/v3");
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
    return "first_frame_url";
  }

  @Override
  boolean verifiesKeys() {
    return false; // the API has no call that checks a key for free
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
