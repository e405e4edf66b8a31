package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.FakeOpenAiVideos;
import dev.kino.testing.FakeProvider;
import tools.jackson.databind.JsonNode;

/**
 * The {@code openai-videos} engine against {@link FakeOpenAiVideos}: a stand-in for a service that
 * speaks the OpenAI Videos API, built from OpenAI's API reference (Bearer key, multipart create,
 * retrieve with progress, content with the key, no cancel).
 */
class OpenAiVideosEngineEndToEndTest extends ProviderContract {
  @Override
  String engine() {
    return "openai-videos";
  }

  @Override
  FakeProvider fake(String key) {
    return new FakeOpenAiVideos(key);
  }

  @Override
  String providerModel() {
    return "kling-v3";
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received().getFirst().path()).isEqualTo("/videos");
    assertThat(received.path("model").asString()).isEqualTo("kling-v3");
    assertThat(received.path("prompt").asString()).isEqualTo("rain on a window");
    assertThat(received.path("seconds").asString()).isEqualTo("8");
    assertThat(received.path("size").asString()).as("16:9, the seed default").isEqualTo("1280x720");
    assertThat(received.has("sound")).as("the Videos API has no such field").isFalse();
  }

  @Override
  String cancelCall() {
    return "";
  }

  @Override
  boolean reportsLogs() {
    return false;
  }

  @Override
  boolean verifiesKeys() {
    return true;
  }
}
