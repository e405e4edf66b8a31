package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.config.Credentials;
import dev.kino.testing.Api;
import dev.kino.testing.FakeFal;
import dev.kino.testing.RoutedModels;
import dev.kino.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code fal} engine end to end through Kino's HTTP API, against {@link FakeFal}: a stand-in
 * for fal's queue API built from its documented protocol (Key auth, submit, status with queue
 * position and logs, response, PUT cancel).
 */
class FalEngineEndToEndTest {
  static final Path FAL_EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/upstream/fal").normalize();
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String FAL_T2V = "fal-ai/kling-video/v3/standard/text-to-video";
  static final String KEY = "fal-test-key:0123456789";
  static final Map<String, String> KEYS = Map.of("KINO_TEST_FAL_KEY", KEY);
  static final Duration WAIT = Duration.ofSeconds(60);

  static Path routedTo(FakeFal fal) {
    return RoutedModels.to(
        "fal",
        id ->
            JsonMapper.shared()
                .createObjectNode()
                .put("base_url", fal.url())
                .put("model", FAL_T2V)
                .put("api_key_env", "KINO_TEST_FAL_KEY")
                .put("concurrency", 2),
        T2V);
  }

  static TestServer kinoOn(FakeFal fal, int workers) {
    return TestServer.start(
        s ->
            s.withWorkers(workers)
                .withModelsDir(routedTo(fal))
                .withCredentials(Credentials.of(KEYS)));
  }

  @Test
  void the_shipped_fal_definitions_serve_the_seed_models_only_with_the_key() {
    try (TestServer withKey =
            TestServer.start(
                s ->
                    s.withWorkers(0)
                        .withModelsDir(FAL_EXAMPLES)
                        .withCredentials(Credentials.of(Map.of("FAL_KEY", KEY))));
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
  void a_request_goes_through_fals_queue_with_its_logs_and_the_video_is_kept_by_kino() {
    try (FakeFal fal = new FakeFal(KEY);
        TestServer kino = kinoOn(fal, 1)) {
      fal.timing(Duration.ofMillis(500), Duration.ofSeconds(2));
      Api api = kino.api();
      String id =
          api.submitOk(
              T2V,
              """
          {"prompt": "rain on a window", "duration": 8, "sound": false,
           "multi_prompt": [{"prompt": "drops", "duration": 3}, {"prompt": "streaks", "duration": 5}]}""");

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(fal.received().getFirst().path()).isEqualTo("/" + FAL_T2V);
      JsonNode sent = fal.bodies("POST", "/").getFirst();
      assertThat(sent.path("duration").asString()).as("fal's durations are strings").isEqualTo("8");
      assertThat(sent.path("generate_audio").asBoolean(true)).as("the seed's sound").isFalse();
      assertThat(sent.has("sound")).isFalse();
      assertThat(sent.at("/multi_prompt/1/duration").asString()).isEqualTo("5");
      assertThat(sent.path("shot_type").asString()).isEqualTo("intelligent");
      assertThat(sent.has("seed")).isFalse();
      JsonNode result = api.result(id).body();
      assertThat(result.at("/output/video").asString()).startsWith(api.base() + "/files/");
      assertThat(Api.downloadToFile(result.at("/output/video").asString())).isNotEmptyFile();
      assertThat(result.at("/metadata/engine/engine").asString()).isEqualTo("fal");
      assertThat(api.status(id).body().path("logs").toString())
          .contains("waiting at the provider, queue position 0")
          .contains("provider: step 1 of 4");
    }
  }

  @Test
  void a_fal_failure_fails_the_request_with_fals_detail() {
    try (FakeFal fal = new FakeFal(KEY);
        TestServer kino = kinoOn(fal, 1)) {
      fal.failNext("content flagged by the safety checker");
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode error = api.result(id).body().path("error");
      assertThat(error.path("code").asString()).isEqualTo("provider_failed");
      assertThat(error.path("message").asString())
          .isEqualTo(
              "the provider failed the request: body.prompt: content flagged by the safety checker");
    }
  }

  @Test
  void a_refused_submit_puts_the_job_back_in_the_queue_until_fal_takes_it() {
    try (FakeFal fal = new FakeFal(KEY);
        TestServer kino = kinoOn(fal, 1)) {
      fal.refuseNext(1);
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(api.status(id).body().path("attempt").asInt()).isEqualTo(1);
      assertThat(api.status(id).body().path("logs").toString())
          .contains("the provider is busy (User has reached the concurrent request limit)");
      assertThat(fal.tasksCreated()).isEqualTo(1);
    }
  }

  @Test
  void fal_restarting_mid_job_is_waited_for() {
    try (FakeFal fal = new FakeFal(KEY);
        TestServer kino = kinoOn(fal, 1)) {
      fal.timing(Duration.ofMillis(200), Duration.ofSeconds(4));
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      await()
          .atMost(WAIT)
          .until(() -> api.status(id).body().path("logs").toString().contains("submitted to"));

      fal.restart(Duration.ofSeconds(3));

      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(fal.tasksCreated()).isEqualTo(1);
    }
  }

  @Test
  void kino_killed_mid_job_follows_the_recorded_request_urls() throws Exception {
    try (FakeFal fal = new FakeFal(KEY)) {
      fal.timing(Duration.ofMillis(200), Duration.ofSeconds(6));
      JsonNode done = KilledMidJob.run(KEYS, routedTo(fal), T2V, "{\"prompt\": \"p\"}");

      assertThat(done.path("logs").toString()).contains("resuming upstream request");
      assertThat(fal.tasksCreated()).as("exactly one request at fal").isEqualTo(1);
    }
  }

  @Test
  void a_running_job_is_cancelled_at_fal() {
    try (FakeFal fal = new FakeFal(KEY);
        TestServer kino = kinoOn(fal, 1)) {
      fal.timing(Duration.ofMillis(200), Duration.ofSeconds(20));
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  api.status(id).body().path("logs").toString().contains("provider: step 1 of 4"));

      assertThat(api.cancel(id).text("outcome")).isEqualTo("cancelled");
      assertThat(api.status(id).text("status")).isEqualTo("cancelled");
      assertThat(fal.received())
          .anySatisfy(
              r -> assertThat(r.method() + " " + r.path()).endsWith("/cancel").startsWith("PUT "));
    }
  }
}
