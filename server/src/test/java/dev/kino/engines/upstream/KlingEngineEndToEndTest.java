package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.kino.config.Credentials;
import dev.kino.testing.Api;
import dev.kino.testing.FakeKling;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.Images;
import dev.kino.testing.RoutedModels;
import dev.kino.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code kling} engine end to end through Kino's HTTP API, against {@link FakeKling}: a
 * stand-in for Kling's open-platform API built from its documented protocol (JWT checked with the
 * shared secret, tasks created and polled, elements, code 1303 at the concurrency limit, Kling's
 * own field rules).
 */
class KlingEngineEndToEndTest extends ProviderContract {
  static final Path KLING_EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/upstream/kling").normalize();
  static final String PRO_T2V = "kling/kling-3.0/pro/text-to-video";
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final String ACCESS = "ak-test-access-key";
  static final String SECRET = "sk-test-secret-key-0123456789abcdef";
  static final Map<String, String> KEYS =
      Map.of("KINO_TEST_KLING_ACCESS", ACCESS, "KINO_TEST_KLING_SECRET", SECRET);
  static final Duration WAIT = Duration.ofSeconds(60);

  static Path routedTo(FakeKling kling) {
    return RoutedModels.to(
        "kling",
        id ->
            JsonMapper.shared()
                .createObjectNode()
                .put("base_url", kling.url())
                .put("mode", id.contains("/pro/") ? "pro" : "std")
                .put("access_key_env", "KINO_TEST_KLING_ACCESS")
                .put("secret_key_env", "KINO_TEST_KLING_SECRET")
                .put("concurrency", 2),
        PRO_T2V,
        T2V,
        I2V);
  }

  static TestServer kinoOn(FakeKling kling, int workers) {
    return TestServer.start(
        s ->
            s.withWorkers(workers)
                .withModelsDir(routedTo(kling))
                .withCredentials(Credentials.of(KEYS)));
  }

  @Override
  String engine() {
    return "kling";
  }

  @Override
  FakeProvider fake(String key) {
    return new FakeKling(ACCESS, SECRET);
  }

  @Override
  String providerModel() {
    return "kling-v3";
  }

  @Override
  Map<String, String> keys() {
    return KEYS;
  }

  @Override
  Path modelsDir(FakeProvider fake) {
    return routedTo((FakeKling) fake);
  }

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(received.path("model_name").asString()).isEqualTo("kling-v3");
    assertThat(received.path("mode").asString()).isEqualTo("std");
    assertThat(received.path("duration").asString()).isEqualTo("8");
    assertThat(received.path("sound").asString()).isEqualTo("off");
    assertThat(received.path("multi_shot").asBoolean()).isTrue();
    assertThat(received.path("multi_prompt").toString())
        .isEqualTo(
            "[{\"index\":1,\"prompt\":\"drops\",\"duration\":\"3\"},{\"index\":2,\"prompt\":\"streaks\",\"duration\":\"5\"}]");
  }

  @Override
  String cancelCall() {
    return ""; // Kling's API has no cancel
  }

  @Override
  boolean reportsLogs() {
    return false;
  }

  @Override
  boolean reportsProgress() {
    return false;
  }

  @Test
  void the_shipped_kling_definitions_serve_the_seed_models_only_with_both_keys() {
    Map<String, String> both = Map.of("KLING_ACCESS_KEY", ACCESS, "KLING_SECRET_KEY", SECRET);
    try (TestServer withKeys =
            TestServer.start(
                s ->
                    s.withWorkers(0)
                        .withModelsDir(KLING_EXAMPLES)
                        .withCredentials(Credentials.of(both)));
        TestServer accessOnly =
            TestServer.start(
                s ->
                    s.withWorkers(0)
                        .withModelsDir(KLING_EXAMPLES)
                        .withCredentials(Credentials.of(Map.of("KLING_ACCESS_KEY", ACCESS))))) {
      for (String model : new String[] {PRO_T2V, T2V, I2V}) {
        JsonNode served = withKeys.api().get("/v1/models/" + model).body();
        assertThat(served.path("engine").asString()).isEqualTo("kling");
        assertThat(served.toString()).doesNotContain(SECRET).doesNotContain(ACCESS);
        assertThat(accessOnly.api().get("/v1/models/" + model).status())
            .as("not served without the secret key")
            .isEqualTo(404);
      }
    }
  }

  @Test
  void a_wrong_tier_or_a_secret_too_short_to_sign_stops_start_up_naming_the_model() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET)) {
      Path wrongMode =
          RoutedModels.to(
              "kling",
              id ->
                  JsonMapper.shared()
                      .createObjectNode()
                      .put("base_url", kling.url())
                      .put("mode", "master")
                      .put("access_key_env", "KINO_TEST_KLING_ACCESS")
                      .put("secret_key_env", "KINO_TEST_KLING_SECRET"),
              T2V);
      assertThatThrownBy(
              () ->
                  TestServer.start(
                      s ->
                          s.withWorkers(0)
                              .withModelsDir(wrongMode)
                              .withCredentials(Credentials.of(KEYS))))
          .hasMessageContaining(T2V)
          .hasMessageContaining("mode must be \"std\" or \"pro\"");
      Map<String, String> shortSecret =
          Map.of("KINO_TEST_KLING_ACCESS", ACCESS, "KINO_TEST_KLING_SECRET", "short");
      assertThatThrownBy(
              () ->
                  TestServer.start(
                      s ->
                          s.withWorkers(0)
                              .withModelsDir(routedTo(kling))
                              .withCredentials(Credentials.of(shortSecret))))
          .hasMessageContaining("shorter than 32 bytes")
          .hasMessageNotContaining("short\"");
    }
  }

  @Test
  void a_multi_shot_request_reaches_kling_in_its_own_words_and_the_video_is_kept_by_kino() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        TestServer kino = kinoOn(kling, 1)) {
      Api api = kino.api();
      String id =
          api.submitOk(
              PRO_T2V,
              """
          {"prompt": "a harbour at dawn", "duration": 8, "sound": false, "negative_prompt": "blur", "cfg_scale": 0.7,
           "aspect_ratio": "9:16", "multi_prompt": [{"prompt": "boats", "duration": 3}, {"prompt": "gulls", "duration": 5}]}""");

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      JsonNode sent = kling.bodies("POST", "/v1/videos/text2video").getFirst();
      assertThat(sent.path("model_name").asString()).isEqualTo("kling-v3");
      assertThat(sent.path("mode").asString()).as("the pro tier").isEqualTo("pro");
      assertThat(sent.path("duration").asString()).isEqualTo("8");
      assertThat(sent.path("sound").asString()).isEqualTo("off");
      assertThat(sent.path("aspect_ratio").asString()).isEqualTo("9:16");
      assertThat(sent.path("negative_prompt").asString()).isEqualTo("blur");
      assertThat(sent.path("cfg_scale").asDouble()).isEqualTo(0.7);
      assertThat(sent.path("multi_shot").asBoolean()).isTrue();
      assertThat(sent.path("shot_type").asString()).isEqualTo("customize");
      assertThat(sent.path("multi_prompt").toString())
          .isEqualTo(
              "[{\"index\":1,\"prompt\":\"boats\",\"duration\":\"3\"},{\"index\":2,\"prompt\":\"gulls\",\"duration\":\"5\"}]");
      assertThat(sent.path("external_task_id").asString()).isEqualTo("kino-" + id);
      assertThat(sent.has("seed")).as("Kling takes no seed").isFalse();

      JsonNode result = api.result(id).body();
      assertThat(result.at("/output/video").asString())
          .as("served by Kino, not Kling's expiring URL")
          .startsWith(api.base() + "/files/");
      assertThat(Api.downloadToFile(result.at("/output/video").asString())).isNotEmptyFile();
      assertThat(result.at("/metadata/engine/engine").asString()).isEqualTo("kling");
      assertThat(result.at("/metadata/engine/provider_request_id").asString())
          .isEqualTo(kling.videoTaskIds().getFirst());

      JWTClaimsSet claims = kling.tokens().getFirst();
      assertThat(claims.getIssuer()).isEqualTo(ACCESS);
      assertThat(claims.getNotBeforeTime().toInstant())
          .as("nbf a few seconds back")
          .isBefore(Instant.now().minusSeconds(2));
      assertThat(
              Duration.between(
                  claims.getNotBeforeTime().toInstant(), claims.getExpirationTime().toInstant()))
          .as("a short-lived token")
          .isLessThanOrEqualTo(Duration.ofMinutes(31));
    }
  }

  @Test
  void the_automatic_shot_type_is_spelled_the_kling_way_and_audio_is_on_by_default() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        TestServer kino = kinoOn(kling, 1)) {
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      JsonNode sent = kling.bodies("POST", "/v1/videos/text2video").getFirst();
      assertThat(sent.path("mode").asString()).isEqualTo("std");
      assertThat(sent.path("multi_shot").asBoolean()).isTrue();
      assertThat(sent.path("shot_type").asString())
          .as("the seed's intelligent")
          .isEqualTo("intelligence");
      assertThat(sent.path("sound").asString()).isEqualTo("on");
      assertThat(sent.path("duration").asString()).isEqualTo("5");
    }
  }

  @Test
  void image_to_video_sends_the_start_image_and_makes_kling_elements_first() {
    try (Images images = Images.serve();
        FakeKling kling = new FakeKling(ACCESS, SECRET);
        TestServer kino = kinoOn(kling, 1)) {
      String start = images.put("/start.png", Images.encode(Images.quadrants(320, 320), "png"));
      String front = images.put("/front.png", Images.encode(Images.quadrants(320, 320), "png"));
      String side = images.put("/side.png", Images.encode(Images.quadrants(320, 320), "png"));
      Api api = kino.api();
      String id =
          api.submitOk(
              I2V,
              """
          {"prompt": "she turns", "start_image_url": "%s", "generate_audio": false,
           "elements": [{"frontal_image_url": "%s", "reference_image_urls": ["%s"]}]}"""
                  .formatted(start, front, side));

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      JsonNode element = kling.bodies("POST", "/v1/general/advanced-custom-elements").getFirst();
      assertThat(element.path("reference_type").asString()).isEqualTo("image_refer");
      assertThat(element.at("/element_image_list/frontal_image").asString()).isEqualTo(front);
      assertThat(element.at("/element_image_list/refer_images/0/image_url").asString())
          .isEqualTo(side);
      JsonNode sent = kling.bodies("POST", "/v1/videos/image2video").getFirst();
      assertThat(sent.path("image").asString()).isEqualTo(start);
      assertThat(sent.path("sound").asString()).isEqualTo("off");
      assertThat(sent.path("duration").asString())
          .as("image-to-video's 10 s default")
          .isEqualTo("10");
      assertThat(sent.path("element_list").size()).isEqualTo(1);
      assertThat(sent.path("multi_shot").asBoolean())
          .as("customize without shots: one shot")
          .isFalse();
    }
  }

  @Test
  void more_shots_than_kling_takes_are_refused_at_submit_naming_the_engines_limit() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        TestServer kino = kinoOn(kling, 1)) {
      StringBuilder shots = new StringBuilder();
      for (int i = 0; i < 7; i++) {
        shots
            .append(i == 0 ? "" : ",")
            .append("{\"prompt\": \"shot ")
            .append(i)
            .append("\", \"duration\": 3}");
      }
      Api.Answer answer =
          kino.api()
              .submit(
                  T2V, "{\"prompt\": \"p\", \"duration\": 15, \"multi_prompt\": [" + shots + "]}");

      // (Seven shots of at least 3 s cannot add up to the seed's 15 s either: both problems are
      // listed.)
      assertThat(answer.status()).isEqualTo(422);
      assertThat(answer.body().toString())
          .contains("\"multi_prompt\"")
          .contains("engine_limit")
          .contains("at most 6 shots");
      assertThat(kling.received()).as("nothing reached Kling").isEmpty();
    }
  }

  @Test
  void a_kling_failure_fails_the_request_with_klings_message_read_as_moderation() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        TestServer kino = kinoOn(kling, 1)) {
      kling.failNext("Failure to pass the risk control system");
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode error = api.result(id).body().path("error");
      // Kling gives a task's failure only in words; these are its moderation's.
      assertThat(error.path("code").asString()).isEqualTo("content_refused");
      assertThat(error.path("message").asString())
          .isEqualTo("the provider failed the request: Failure to pass the risk control system");
      assertThat(error.at("/detail/provider").asString()).isEqualTo("kling");
    }
  }

  @Test
  void code_1303_puts_the_job_back_in_the_queue_until_kling_takes_it() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        TestServer kino = kinoOn(kling, 1)) {
      kling.refuseNext(2);
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(api.status(id).body().path("attempt").asInt())
          .as("waiting for Kling used no attempt")
          .isEqualTo(1);
      assertThat(api.status(id).body().path("logs").toString())
          .contains(
              "the provider is busy (parallel task over resource pack limit); back in the queue for 1 s")
          .contains("back in the queue for 2 s");
      assertThat(kling.bodies("POST", "/v1/videos/").size())
          .as("two refused, one taken")
          .isEqualTo(3);
      assertThat(kling.videoTasks()).isEqualTo(1);
    }
  }

  @Test
  void a_queued_job_is_cancelled_in_kino_and_a_running_one_is_not_cancellable() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        TestServer idle = kinoOn(kling, 0);
        TestServer busy = kinoOn(kling, 1)) {
      String queued = idle.api().submitOk(T2V, "{\"prompt\": \"p\"}");
      assertThat(idle.api().cancel(queued).text("outcome")).isEqualTo("cancelled");
      assertThat(kling.received()).as("a queued job's cancel never reaches Kling").isEmpty();

      kling.timing(Duration.ofMillis(200), Duration.ofSeconds(3));
      Api api = busy.api();
      String running = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      await().atMost(WAIT).until(() -> api.status(running).text("status").equals("in_progress"));

      assertThat(api.cancel(running).text("outcome"))
          .as("Kling's API cannot cancel a task")
          .isEqualTo("not_cancellable");
      assertThat(api.awaitState(running, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(kling.videoTasks()).isEqualTo(1);
    }
  }

  @Override
  boolean verifiesKeys() {
    return true;
  }
}
