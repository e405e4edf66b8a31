package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeRunComfy;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code runcomfy} (the seed API itself, RunComfy's Model API) on the provider contract,
 * against {@link FakeRunComfy}; {@link SeedApiEngineEndToEndTest} runs it against another real
 * Kino.
 */
class RunComfyContractTest extends ProviderContract {
  @Override
  String engine() {
    return "runcomfy";
  }

  @Override
  FakeProvider fake(String key) {
    return new FakeRunComfy(key);
  }

  @Override
  String providerModel() {
    return T2V;
  }

  @Override
  Map<String, String> keys() {
    return Map.of(KEY_ENV, key());
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received().getFirst().path()).isEqualTo("/v1/models/" + T2V);
    // The seed API's own input, as Kino validated it (defaults applied), less Kino's seed.
    assertThat(received.path("prompt").asString()).isEqualTo("rain on a window");
    assertThat(received.path("duration").asInt()).isEqualTo(8);
    assertThat(received.path("multi_prompt").size()).isEqualTo(2);
    assertThat(received.has("seed")).isFalse();
  }

  @Override
  String cancelCall() {
    return "POST /cancel";
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
