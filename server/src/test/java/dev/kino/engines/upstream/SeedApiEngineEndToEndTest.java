package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.config.Credentials;
import dev.kino.media.MediaProbe;
import dev.kino.testing.Api;
import dev.kino.testing.EventStream;
import dev.kino.testing.ForwardingProxy;
import dev.kino.testing.Images;
import dev.kino.testing.KilledMidJob;
import dev.kino.testing.RoutedModels;
import dev.kino.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code runcomfy} engine end to end: a Kino whose seed models are routed to a provider that
 * serves the seed API. The provider is a second, real Kino (the seed API is what Kino serves, so
 * this is also the federation of two Kinos), behind a {@link ForwardingProxy} that stands in for
 * what only a hosted provider does: refuse a submit at the account's concurrency limit (429), count
 * the calls that reach it.
 */
class SeedApiEngineEndToEndTest {
  static final Path RUNCOMFY_EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/upstream/runcomfy").normalize();
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final String KEY_VARIABLE = "KINO_TEST_PROVIDER_KEY";
  static final Duration WAIT = Duration.ofSeconds(90);

  /**
   * The two standard models, routed to the provider at {@code base} (schemas from the built-ins:
   * based_on).
   */
  static Path routedTo(String base) {
    return RoutedModels.to(
        "runcomfy",
        id ->
            JsonMapper.shared()
                .createObjectNode()
                .put("base_url", base)
                .put("api_key_env", KEY_VARIABLE)
                .put("send_seed", true)
                .put("concurrency", 2),
        T2V,
        I2V);
  }

  static TestServer kinoRoutedTo(ForwardingProxy provider, int workers) {
    return TestServer.start(
        s ->
            s.withWorkers(workers)
                .withModelsDir(routedTo(provider.url()))
                .withCredentials(Credentials.of(Map.of(KEY_VARIABLE, TestServer.ADMIN_KEY))));
  }

  /** A provider (a real Kino behind a proxy) and a Kino whose standard models run there. */
  record Federation(TestServer upstream, ForwardingProxy provider, TestServer kino)
      implements AutoCloseable {
    static Federation start(int upstreamWorkers, int kinoWorkers) {
      TestServer upstream = TestServer.start(upstreamWorkers);
      ForwardingProxy provider = new ForwardingProxy("http://127.0.0.1:" + upstream.port());
      return new Federation(upstream, provider, kinoRoutedTo(provider, kinoWorkers));
    }

    @Override
    public void close() {
      kino.close();
      provider.close();
      upstream.close();
    }
  }

  static long submits(ForwardingProxy provider) {
    return provider.seen().stream().filter(line -> line.startsWith("POST /v1/models/")).count();
  }

  @Test
  void the_shipped_runcomfy_definitions_serve_the_seed_models_only_when_their_key_is_set() {
    String[] seedModels = {"kling/kling-3.0/pro/text-to-video", T2V, I2V};
    try (TestServer withKey =
            TestServer.start(
                s ->
                    s.withWorkers(0)
                        .withModelsDir(RUNCOMFY_EXAMPLES)
                        .withCredentials(
                            Credentials.of(Map.of("RUNCOMFY_API_KEY", "rc-test-key"))));
        TestServer withoutKey =
            TestServer.start(s -> s.withWorkers(0).withModelsDir(RUNCOMFY_EXAMPLES))) {
      for (String model : seedModels) {
        JsonNode served = withKey.api().get("/v1/models/" + model).body();
        assertThat(served.path("engine").asString()).isEqualTo("runcomfy");
        assertThat(served.toString())
            .as("schemas from the built-in model")
            .contains("cfg_scale")
            .doesNotContain("rc-test-key");
        assertThat(withoutKey.api().get("/v1/models/" + model).status())
            .as("not served without RUNCOMFY_API_KEY")
            .isEqualTo(404);
      }
    }
  }

  @Test
  void a_request_completes_upstream_and_its_video_is_kept_by_kino() throws Exception {
    try (Federation f = Federation.start(1, 1)) {
      Api api = f.kino().api();
      String id =
          api.submitOk(T2V, "{\"prompt\": \"a lighthouse at dusk\", \"duration\": 3, \"seed\": 5}");

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode result = api.result(id).body();
      assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("completed");
      String video = result.at("/output/video").asString();
      assertThat(video)
          .as("served by this Kino, not the provider's expiring URL")
          .startsWith(api.base() + "/files/");
      assertThat(MediaProbe.probe(Api.downloadToFile(video)).durationSeconds())
          .isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.1));
      String upstreamId = result.at("/metadata/engine/provider_request_id").asString();
      assertThat(submits(f.provider())).isEqualTo(1);
      assertThat(f.provider().seen())
          .anySatisfy(line -> assertThat(line).isEqualTo("POST /v1/models/" + T2V + " kino-" + id));
      assertThat(f.upstream().api().result(upstreamId).body().at("/metadata/input/seed").asLong())
          .as("the seed went along")
          .isEqualTo(5);
      assertThat(api.get("/v1/models/" + T2V).body().path("engine").asString())
          .isEqualTo("runcomfy");
    }
  }

  @Test
  void a_failure_at_the_provider_fails_the_request_with_the_providers_message() {
    try (Images images = Images.serve();
        Federation f = Federation.start(1, 1)) {
      Api api = f.kino().api();
      String missing =
          images
              .put("/present.png", Images.encode(Images.quadrants(64, 64), "png"))
              .replace("present", "missing");
      String id =
          api.submitOk(I2V, "{\"prompt\": \"p\", \"start_image_url\": \"" + missing + "\"}");

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode error = api.result(id).body().path("error");
      assertThat(error.path("code").asString()).isEqualTo("provider_failed");
      assertThat(error.path("message").asString())
          .startsWith("the provider failed the request: ")
          .contains("404");
    }
  }

  @Test
  void a_provider_at_its_concurrency_limit_is_asked_again_and_the_request_completes() {
    try (Federation f = Federation.start(1, 1)) {
      f.provider().refuseSubmitsFor(2);
      Api api = f.kino().api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\", \"duration\": 3}");

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode status = api.status(id).body();
      assertThat(status.path("status").asString()).as(status.toString()).isEqualTo("completed");
      assertThat(status.path("logs").toString())
          .contains(
              "the provider is busy (too many concurrent requests for this account); back in the queue");
      assertThat(status.path("attempt").asInt())
          .as("waiting for the provider used no attempt")
          .isEqualTo(1);
      List<String> statuses;
      try (EventStream events =
          EventStream.open(status.path("events_url").asString(), api.key(), null)) {
        statuses =
            events.readToEnd().stream()
                .filter(e -> e.type().equals("status"))
                .map(EventStream.Event::status)
                .toList();
      }
      assertThat(statuses)
          .as("back in Kino's queue while the provider was busy")
          .containsExactly(
              "in_queue",
              "in_progress",
              "in_queue",
              "in_progress",
              "in_queue",
              "in_progress",
              "completed");
      assertThat(submits(f.provider())).as("two refused, one taken").isEqualTo(3);
      assertThat(f.upstream().api().get("/v1/requests").body().path("requests").size())
          .as("one task at the provider")
          .isEqualTo(1);
    }
  }

  @Test
  void a_provider_restarting_mid_job_is_waited_for() {
    try (Federation f = Federation.start(1, 1)) {
      Api api = f.kino().api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\", \"duration\": 15}");
      String upstreamId =
          await()
              .atMost(WAIT)
              .until(
                  () -> api.status(id).body().path("logs").toString(),
                  logs -> logs.contains("request "))
              .replaceAll("(?s).*request ([0-9a-f-]{36}).*", "$1");
      await()
          .atMost(WAIT)
          .until(() -> f.upstream().api().status(upstreamId).text("status").equals("in_progress"));

      f.upstream().restart();

      api.awaitState(id, WAIT, "completed", "failed");
      assertThat(api.status(id).text("status")).isEqualTo("completed");
      assertThat(submits(f.provider())).isEqualTo(1);
    }
  }

  @Test
  void kino_killed_mid_job_polls_the_recorded_request_and_never_pays_twice() throws Exception {
    try (TestServer upstream = TestServer.start(1);
        ForwardingProxy provider = new ForwardingProxy("http://127.0.0.1:" + upstream.port())) {
      JsonNode done =
          KilledMidJob.run(
              Map.of(KEY_VARIABLE, TestServer.ADMIN_KEY),
              routedTo(provider.url()),
              T2V,
              "{\"prompt\": \"p\", \"duration\": 15}");

      assertThat(done.path("logs").toString()).contains("resuming upstream request");
      assertThat(submits(provider)).as("exactly one task created at the provider").isEqualTo(1);
    }
  }

  @Test
  void a_queued_request_is_cancelled_without_reaching_the_provider() {
    try (Federation f = Federation.start(1, 0)) {
      Api api = f.kino().api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      assertThat(api.cancel(id).text("outcome")).isEqualTo("cancelled");
      assertThat(f.provider().seen())
          .as("nothing but the start-up check of the key")
          .allSatisfy(call -> assertThat(call).startsWith("GET /v1/models?limit=1"));
    }
  }

  @Test
  void a_running_request_still_queued_at_the_provider_is_cancelled_there() {
    try (Federation f = Federation.start(0, 1)) {
      Api api = f.kino().api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      await()
          .atMost(WAIT)
          .until(() -> api.status(id).body().path("logs").toString().contains("queue position"));

      Api.Answer cancel = api.cancel(id);

      assertThat(cancel.text("outcome")).isEqualTo("cancelled");
      assertThat(api.status(id).text("status")).isEqualTo("cancelled");
      assertThat(f.provider().seen()).anySatisfy(line -> assertThat(line).endsWith("/cancel"));
      JsonNode upstreamList = f.upstream().api().get("/v1/requests").body().path("requests");
      assertThat(upstreamList.get(0).path("status").asString()).isEqualTo("cancelled");
    }
  }

  @Test
  void a_request_the_provider_is_already_running_is_not_cancellable_and_completes() {
    try (Federation f = Federation.start(1, 1)) {
      Api api = f.kino().api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\", \"duration\": 15}");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  f.upstream()
                          .api()
                          .get("/v1/requests?status=in_progress")
                          .body()
                          .path("requests")
                          .size()
                      == 1);

      long asked = System.nanoTime();
      Api.Answer cancel = api.cancel(id);

      assertThat(cancel.text("outcome")).isEqualTo("not_cancellable");
      assertThat(Duration.ofNanos(System.nanoTime() - asked))
          .as("the engine's refusal answered, not the 20 s wait running out")
          .isLessThan(Duration.ofSeconds(10));
      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(api.status(id).body().path("logs").toString()).contains("cancel refused");
    }
  }
}
