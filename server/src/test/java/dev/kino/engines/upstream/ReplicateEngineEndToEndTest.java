package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeReplicate;
import tools.jackson.databind.JsonNode;

/**
 * The {@code replicate} engine against {@link FakeReplicate}: a stand-in for Replicate's
 * predictions API built from its documented HTTP API (Bearer token, create by model, urls.get,
 * urls.cancel).
 */
class ReplicateEngineEndToEndTest extends ProviderContract {
  @Override
  String engine() {
    return "replicate";
  }

  @Override
  FakeProvider fake(String key) {
    return new FakeReplicate(key);
  }

  @Override
  String providerModel() {
    return "kwaivgi/kling-v3-standard";
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received().getFirst().path())
        .isEqualTo("/models/kwaivgi/kling-v3-standard/predictions");
    JsonNode input = received.path("input");
    assertThat(input.path("prompt").asString()).isEqualTo("rain on a window");
    assertThat(input.path("duration").asInt()).isEqualTo(8);
    assertThat(input.path("sound").asBoolean(true)).isFalse();
    assertThat(input.at("/multi_prompt/1/duration").asInt()).isEqualTo(5);
    assertThat(input.has("seed")).as("no seed unless the definition sends it").isFalse();
  }

  @Override
  String cancelCall() {
    return "POST /cancel";
  }

  @Override
  boolean verifiesKeys() {
    return true;
  }
}
