package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.config.Credentials;
import dev.kino.testing.Api;
import dev.kino.testing.Examples;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.Images;
import dev.kino.testing.KilledMidJob;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.RoutedModels;
import dev.kino.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every upstream provider adapter does, end to end through Kino's HTTP API against its fake: a
 * task is started once and followed to its video (kept by Kino), with the provider's logs; a
 * failure keeps the provider's message; a busy answer waits and retries with one task; a provider
 * restarting mid-job is waited for; a Kino killed mid-job follows the same task; a running job is
 * cancelled at the provider. A subclass names its engine, its fake, and how the seed input must
 * arrive there.
 */
abstract class ProviderContract {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String KEY_ENV = "KINO_TEST_PROVIDER_KEY";
  static final Duration WAIT = Duration.ofSeconds(60);

  /** The engine type the definitions name. */
  abstract String engine();

  /** A fake of the provider accepting {@code key}. */
  abstract FakeProvider fake(String key);

  /** The provider's name of the model the seed model is routed to. */
  abstract String providerModel();

  /** The key the fake accepts. */
  String key() {
    return "provider-test-key-0123456789";
  }

  /** Checks the body the fake received for the seed input of {@link #requestWithShots}. */
  abstract void assertMapped(FakeProvider fake, JsonNode received);

  /**
   * The method and a part of the path of a cancel call at the provider; empty when it has no
   * cancel.
   */
  abstract String cancelCall();

  /** Whether the provider reports log lines while a task runs (else only progress). */
  boolean reportsLogs() {
    return true;
  }

  /** Whether the provider reports a task's progress (else Kino's status shows none). */
  boolean reportsProgress() {
    return true;
  }

  /**
   * Whether the task runs at the provider now, as Kino's status shows it (or, for a provider that
   * reports neither lines nor progress, as the fake has it).
   */
  private boolean runningThere(Api api, String id, FakeProvider fake) {
    JsonNode status = api.status(id).body();
    if (reportsLogs()) {
      return status.path("logs").toString().contains("provider: step 1 of 4");
    }
    return reportsProgress()
        ? status.path("progress").asDouble(0) > 0
        : status.path("logs").toString().contains("submitted to") && fake.anyRunning();
  }

  static final String requestWithShots =
      """
      {"prompt": "rain on a window", "duration": 8, "sound": false,
       "multi_prompt": [{"prompt": "drops", "duration": 3}, {"prompt": "streaks", "duration": 5}]}""";

  /** The model the suite runs: by default the seed text-to-video model routed to the engine. */
  String model() {
    return T2V;
  }

  /**
   * A request using most of the model's fields, checked at the provider by {@link #assertMapped}.
   */
  String fullRequest() {
    return requestWithShots;
  }

  String simpleRequest() {
    return "{\"prompt\": \"p\"}";
  }

  /** The definitions Kino serves, pointing at {@code fake}. */
  Path modelsDir(FakeProvider fake) {
    return routedTo(fake);
  }

  Path routedTo(FakeProvider fake) {
    return RoutedModels.to(
        engine(),
        id ->
            JsonMapper.shared()
                .createObjectNode()
                .put("base_url", fake.url())
                .put("model", providerModel())
                .put("api_key_env", KEY_ENV)
                .put("concurrency", 2),
        T2V);
  }

  Map<String, String> keys() {
    return Map.of(KEY_ENV, key());
  }

  TestServer kinoOn(FakeProvider fake, int workers) {
    return TestServer.start(
        s ->
            s.withWorkers(workers)
                .withModelsDir(modelsDir(fake))
                .withCredentials(Credentials.of(keys())));
  }

  @Test
  void a_task_is_started_once_and_followed_to_its_video_which_kino_keeps() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      fake.timing(Duration.ofMillis(500), Duration.ofSeconds(2));
      Api api = kino.api();
      String id = api.submitOk(model(), fullRequest());

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(fake.tasksCreated()).isEqualTo(1);
      // The first call that starts something (a start-up check of the key may come before it).
      assertMapped(
          fake,
          fake.received().stream()
              .filter(r -> r.method().equals("POST"))
              .findFirst()
              .orElseThrow()
              .body());
      JsonNode result = api.result(id).body();
      assertThat(result.at("/output/video").asString()).startsWith(api.base() + "/files/");
      assertThat(Api.downloadToFile(result.at("/output/video").asString())).isNotEmptyFile();
      assertThat(result.at("/metadata/engine/engine").asString()).isEqualTo(engine());
      if (reportsLogs()) {
        assertThat(api.status(id).body().path("logs").toString()).contains("provider: step 1 of 4");
      }
    }
  }

  /** The shipped definitions of the provider's own models, when it has them. */
  Optional<Path> examples() {
    return Optional.empty();
  }

  /** The field of the shipped image-to-video models that takes the first frame. */
  String imageField() {
    return "start_image_url";
  }

  /** Whether the provider has a call that checks a key without spending (made at start-up). */
  boolean verifiesKeys() {
    return false;
  }

  /** The first frame the shipped image-to-video models are given: a PNG, inline. */
  String firstFrame() {
    return PNG;
  }

  /** Checks how the first frame of {@link #every_shipped_model_runs_to_a_stored_video} arrived. */
  void assertImageSent(FakeProvider fake) {}

  static final String PNG =
      "data:image/png;base64,"
          + java.util.Base64.getEncoder()
              .encodeToString(Images.encode(Images.quadrants(320, 180), "png"));

  @Test
  void every_shipped_model_runs_to_a_stored_video() {
    Assumptions.assumeTrue(examples().isPresent(), "no definitions of the provider's own models");
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 2)) {
      Api api = kino.api();
      for (String model : Examples.modelIds(examples().get())) {
        String body =
            model.endsWith("image-to-video")
                ? "{"
                    + promptField()
                    + ": \"p\", \""
                    + imageField()
                    + "\": \""
                    + firstFrame()
                    + "\"}"
                : "{" + promptField() + ": \"p\"}";
        String id = api.submitOk(model, body);
        JsonNode done = api.awaitState(id, WAIT, "completed", "failed");
        assertThat(done.path("status").asString()).as(model + ": " + done).isEqualTo("completed");
        JsonNode result = api.result(id).body();
        assertThat(Api.downloadToFile(result.at("/output/video").asString())).isNotEmptyFile();
        assertThat(result.at("/metadata/usage/cost_usd").asDouble())
            .as(model + ": priced as its definition says")
            .isPositive();
      }
      assertImageSent(fake);
    }
  }

  /** The prompt's field name, quoted, in the provider's own definitions. */
  String promptField() {
    return "\"prompt\"";
  }

  @Test
  void a_refused_key_is_reported_at_start_up_naming_its_variable() throws Exception {
    Assumptions.assumeTrue(verifiesKeys(), "the provider has no call that checks a key for free");
    Map<String, String> wrong = new java.util.HashMap<>();
    keys().keySet().forEach(variable -> wrong.put(variable, "not-the-key-0123456789abcdef0123"));
    try (FakeProvider fake = fake(key());
        KinoProcess kino =
            KinoProcess.serveWith(
                wrong,
                java.nio.file.Files.createTempDirectory("kino-wrong-key-"),
                "--models-dir",
                modelsDir(fake).toString())) {
      String variable = keys().keySet().iterator().next();
      await().atMost(WAIT).until(() -> kino.output().contains("refused the key in "));
      assertThat(kino.output())
          .contains(variable)
          .contains("provider_auth")
          .doesNotContain("not-the-key");
    }
  }

  @Test
  void the_video_kino_keeps_outlives_the_providers_expiring_url() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      fake.outputLifetime(Duration.ofSeconds(1));
      Api api = kino.api();
      String id = api.submitOk(model(), simpleRequest());
      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      String kept = api.result(id).body().at("/output/video").asString();

      await().atMost(WAIT).until(() -> fake.outputsExpired());

      assertThat(Api.downloadToFile(kept)).as("served by Kino, not the provider").isNotEmptyFile();
      assertThat(
              api.getBytes(kept.substring(api.base().length()))
                  .headers()
                  .firstValue("Accept-Ranges"))
          .as("with Range")
          .hasValue("bytes");
    }
  }

  @Test
  void a_refused_key_fails_the_job_with_provider_auth_at_once_without_a_retry_storm() {
    Map<String, String> wrong = new java.util.HashMap<>();
    keys().keySet().forEach(variable -> wrong.put(variable, "not-the-key-0123456789abcdef0123"));
    try (FakeProvider fake = fake(key());
        TestServer kino =
            TestServer.start(
                s ->
                    s.withWorkers(1)
                        .withModelsDir(modelsDir(fake))
                        .withCredentials(Credentials.of(wrong)))) {
      Api api = kino.api();
      String id = api.submitOk(model(), simpleRequest());

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      JsonNode error = api.result(id).body().path("error");
      assertThat(error.path("code").asString()).as(done.toString()).isEqualTo("provider_auth");
      assertThat(api.status(id).body().path("attempt").asInt())
          .as("no second attempt")
          .isEqualTo(1);
      assertThat(fake.received()).as("one refused call, no retries").hasSizeLessThanOrEqualTo(1);
      assertThat(fake.tasksCreated()).isZero();
    }
  }

  @Test
  void a_provider_failure_fails_the_request_with_the_providers_message() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      fake.failNext("the GPU ran out of memory");
      Api api = kino.api();
      String id = api.submitOk(model(), simpleRequest());

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode error = api.result(id).body().path("error");
      assertThat(error.path("code").asString()).isEqualTo("provider_failed");
      assertThat(error.path("message").asString()).contains("the GPU ran out of memory");
    }
  }

  @Test
  void a_busy_provider_is_waited_for_and_takes_the_task_once() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      fake.refuseNext(1);
      Api api = kino.api();
      String id = api.submitOk(model(), simpleRequest());

      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(api.status(id).body().path("attempt").asInt()).isEqualTo(1);
      assertThat(api.status(id).body().path("logs").toString()).contains("the provider is busy");
      assertThat(fake.tasksCreated()).isEqualTo(1);
    }
  }

  @Test
  void a_provider_restarting_mid_job_is_waited_for() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      fake.timing(Duration.ofMillis(200), Duration.ofSeconds(4));
      Api api = kino.api();
      String id = api.submitOk(model(), simpleRequest());
      await()
          .atMost(WAIT)
          .until(() -> api.status(id).body().path("logs").toString().contains("submitted to"));

      fake.restart(Duration.ofSeconds(3));

      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(fake.tasksCreated()).isEqualTo(1);
    }
  }

  @Test
  void kino_killed_mid_job_follows_the_recorded_task() throws Exception {
    try (FakeProvider fake = fake(key())) {
      fake.timing(Duration.ofMillis(200), Duration.ofSeconds(3));
      JsonNode done = KilledMidJob.run(keys(), modelsDir(fake), model(), simpleRequest());

      assertThat(done.path("logs").toString()).contains("resuming upstream request");
      assertThat(fake.tasksCreated()).as("exactly one task at the provider").isEqualTo(1);
    }
  }

  @Test
  void a_running_job_is_cancelled_at_the_provider() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      fake.timing(Duration.ofMillis(200), Duration.ofSeconds(20));
      Api api = kino.api();
      String id = api.submitOk(model(), simpleRequest());
      await().atMost(WAIT).until(() -> runningThere(api, id, fake));

      if (cancelCall().isEmpty()) {
        assertThat(api.cancel(id).text("outcome"))
            .as("the provider cannot stop a running task")
            .isEqualTo("not_cancellable");
        assertThat(api.status(id).text("status")).isEqualTo("in_progress");
        return;
      }
      assertThat(api.cancel(id).text("outcome")).isEqualTo("cancelled");
      assertThat(api.status(id).text("status")).isEqualTo("cancelled");
      String[] call = cancelCall().split(" ", 2);
      assertThat(fake.received())
          .anySatisfy(
              r ->
                  assertThat(r.method() + " " + r.path())
                      .startsWith(call[0] + " ")
                      .contains(call[1]));
    }
  }
}
