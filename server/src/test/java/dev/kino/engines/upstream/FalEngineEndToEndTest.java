package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.Credentials;
import dev.kino.testing.Api;
import dev.kino.testing.FakeFal;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The {@code fal} engine end to end through Kino's HTTP API ({@link ProviderContract}), against
 * {@link FakeFal}: a stand-in for fal's queue API built from its documented protocol (Key auth,
 * submit, status with queue position and logs, response, PUT cancel).
 */
class FalEngineEndToEndTest extends ProviderContract {
  static final Path FAL_EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/upstream/fal").normalize();
  static final String FAL_T2V = "fal-ai/kling-video/v3/standard/text-to-video";

  @Override
  String engine() {
    return "fal";
  }

  @Override
  FakeProvider fake(String key) {
    return new FakeFal(key);
  }

  @Override
  String providerModel() {
    return FAL_T2V;
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode sent) {
    assertThat(fake.received().getFirst().path()).isEqualTo("/" + FAL_T2V);
    assertThat(sent.path("duration").asString()).as("fal's durations are strings").isEqualTo("8");
    assertThat(sent.path("generate_audio").asBoolean(true)).as("the seed's sound").isFalse();
    assertThat(sent.has("sound")).isFalse();
    assertThat(sent.at("/multi_prompt/1/duration").asString()).isEqualTo("5");
    assertThat(sent.path("shot_type").asString()).isEqualTo("intelligent");
    assertThat(sent.has("seed")).isFalse();
  }

  @Override
  String cancelCall() {
    return "PUT /cancel";
  }

  @Test
  void the_shipped_fal_definitions_serve_the_seed_models_only_with_the_key() {
    try (TestServer withKey =
            TestServer.start(
                s ->
                    s.withWorkers(0)
                        .withModelsDir(FAL_EXAMPLES)
                        .withCredentials(
                            Credentials.of(Map.of("FAL_KEY", "fal-test-key:0123456789"))));
        TestServer withoutKey =
            TestServer.start(s -> s.withWorkers(0).withModelsDir(FAL_EXAMPLES))) {
      for (String model :
          new String[] {
            "kling/kling-3.0/pro/text-to-video", T2V, "kling/kling-3.0/standard/image-to-video"
          }) {
        assertThat(withKey.api().get("/v1/models/" + model).body().path("engine").asString())
            .isEqualTo("fal");
        assertThat(withoutKey.api().get("/v1/models/" + model).status()).isEqualTo(404);
      }
    }
  }

  @Test
  void fals_queue_position_and_detail_reach_the_client() {
    try (FakeProvider fal = fake(key());
        TestServer kino = kinoOn(fal, 1)) {
      fal.timing(Duration.ofMillis(500), Duration.ofMillis(500));
      fal.failNextWith("content_refused");
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode error = api.result(id).body().path("error");
      assertThat(error.path("message").asString())
          .isEqualTo(
              "the provider failed the request: body.prompt: The content was flagged by a content"
                  + " checker.");
      assertThat(error.path("code").asString()).isEqualTo("content_refused");
      assertThat(error.at("/detail/code").asString()).isEqualTo("content_policy_violation");
      assertThat(error.at("/detail/field").asString()).isEqualTo("prompt");
      assertThat(api.status(id).body().path("logs").toString())
          .contains("waiting at the provider, queue position 0");
    }
  }
}
