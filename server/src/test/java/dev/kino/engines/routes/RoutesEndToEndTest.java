package dev.kino.engines.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.config.Credentials;
import dev.kino.testing.Api;
import dev.kino.testing.FakeFal;
import dev.kino.testing.FakeKling;
import dev.kino.testing.KilledMidJob;
import dev.kino.testing.RoutedModels;
import dev.kino.testing.TestServer;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One model on several engines, through Kino's HTTP API: the seed text-to-video model served from
 * Kling's own API (FakeKling stands in for it) with fal's queue (FakeFal) as its fallback, as
 * {@code examples/upstream/kling-with-fal-fallback} ships it. Which route took a job, which were
 * tried and why they were left, each route's circuit, and that a job started on a route stays there
 * through a crash and a change of the definitions.
 */
class RoutesEndToEndTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String FAL_MODEL = "fal-ai/kling-video/v3/standard/text-to-video";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String ACCESS = "ak-test-access-key";
  static final String SECRET = "sk-test-secret-key-0123456789abcdef";
  static final String FAL_KEY = "fal-test-key";
  static final Map<String, String> KEYS =
      Map.of(
          "KINO_TEST_KLING_ACCESS", ACCESS,
          "KINO_TEST_KLING_SECRET", SECRET,
          "KINO_TEST_FAL_KEY", FAL_KEY);
  static final String BODY = "{\"prompt\": \"a lighthouse at dusk\", \"duration\": 3}";

  static ObjectNode kling(FakeKling fake) {
    return RoutedModels.route(
        "kling",
        "kling",
        JsonMapper.shared()
            .createObjectNode()
            .put("base_url", fake.url())
            .put("mode", "std")
            .put("access_key_env", "KINO_TEST_KLING_ACCESS")
            .put("secret_key_env", "KINO_TEST_KLING_SECRET")
            .put("concurrency", 2));
  }

  static ObjectNode fal(String name, FakeFal fake) {
    ObjectNode route =
        RoutedModels.route(
            name,
            "fal",
            JsonMapper.shared()
                .createObjectNode()
                .put("base_url", fake.url())
                .put("model", FAL_MODEL)
                .put("api_key_env", "KINO_TEST_FAL_KEY")
                .put("concurrency", 8));
    // fal's own price, unlike the model's (Kling's): the usage of a job fal ran says so.
    route.putObject("pricing").put("per_second_usd", 0.5);
    return route;
  }

  static ObjectNode fallback(int failures, int cooldownSeconds) {
    ObjectNode fields = JsonMapper.shared().createObjectNode().put("policy", "fallback");
    fields
        .putObject("circuit_breaker")
        .put("failures", failures)
        .put("cooldown_seconds", cooldownSeconds);
    return fields;
  }

  static TestServer kino(Path models, int workers) {
    return TestServer.start(
        s -> s.withWorkers(workers).withModelsDir(models).withCredentials(Credentials.of(KEYS)));
  }

  static final Path EXAMPLES = Path.of("../examples/upstream/kling-with-fal-fallback");
  static final List<String> SEED_MODELS =
      List.of("kling/kling-3.0/pro/text-to-video", T2V, "kling/kling-3.0/standard/image-to-video");

  @Test
  void the_shipped_definitions_serve_the_seed_models_from_kling_with_fal_as_fallback() {
    Map<String, String> all =
        Map.of("KLING_ACCESS_KEY", ACCESS, "KLING_SECRET_KEY", SECRET, "FAL_KEY", FAL_KEY);
    try (TestServer both = shipped(all);
        TestServer falOnly = shipped(Map.of("FAL_KEY", FAL_KEY));
        TestServer none = shipped(Map.of())) {
      for (String model : SEED_MODELS) {
        JsonNode routed = both.api().get("/v1/models/" + model).body();
        assertThat(routed.path("engine").asString()).isEqualTo("routes");
        assertThat(routed.at("/routing/policy").asString()).isEqualTo("fallback");
        assertThat(routed.at("/routing/routes").findValuesAsString("name"))
            .containsExactly("kling", "fal");
        assertThat(routed.at("/routing/routes/0/circuit").asString()).isEqualTo("closed");
        assertThat(both.apiForNewKey("user").get("/v1/models/" + model).body().has("routing"))
            .as("routes are the operator's business")
            .isFalse();
        // Without Kling's keys its route is left out; fal alone serves the model.
        assertThat(falOnly.api().get("/v1/models/" + model).body().path("engine").asString())
            .isEqualTo("fal");
        assertThat(none.api().get("/v1/models/" + model).status()).isEqualTo(404);
      }
    }
  }

  private static TestServer shipped(Map<String, String> keys) {
    return TestServer.start(
        s -> s.withWorkers(0).withModelsDir(EXAMPLES).withCredentials(Credentials.of(keys)));
  }

  @Test
  void a_busy_primary_hands_the_job_to_the_next_route_which_the_job_records_and_shows() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        FakeFal fal = new FakeFal(FAL_KEY);
        TestServer kino =
            kino(RoutedModels.routed(T2V, fallback(3, 30), kling(kling), fal("fal", fal)), 1)) {
      kling.refuseNext(1); // 1303: over the resource pack's concurrency
      Api api = kino.api();
      String id = api.submitOk(T2V, BODY);

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode status = api.status(id).body();
      assertThat(status.path("status").asString()).isEqualTo("completed");
      assertThat(status.path("route").asString()).isEqualTo("fal");
      assertThat(status.path("logs").toString())
          .contains("route kling left: provider_busy")
          .contains("route fal takes the job");
      JsonNode result = api.result(id).body();
      assertThat(result.at("/metadata/route").asString()).isEqualTo("fal");
      JsonNode left = result.at("/metadata/engine/routes_tried/0");
      assertThat(left.path("route").asString()).isEqualTo("kling");
      assertThat(left.path("code").asString()).isEqualTo("provider_busy");
      assertThat(result.at("/metadata/usage/cost_usd").asDouble())
          .as("fal's price per second, 3 s")
          .isEqualTo(1.5);
      assertThat(kling.tasksCreated()).isZero();
      assertThat(fal.tasksCreated()).isEqualTo(1);
    }
  }

  @Test
  void a_primary_that_is_down_opens_its_circuit_and_after_the_cooldown_a_probe_brings_jobs_back()
      throws Exception {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        FakeFal fal = new FakeFal(FAL_KEY);
        TestServer kino =
            kino(RoutedModels.routed(T2V, fallback(2, 2), kling(kling), fal("fal", fal)), 1)) {
      Api api = kino.api();
      kling.restart(Duration.ofSeconds(4)); // connections refused meanwhile

      for (int i = 0; i < 2; i++) {
        JsonNode result = completed(api, api.submitOk(T2V, BODY));
        assertThat(result.at("/metadata/route").asString()).isEqualTo("fal");
        assertThat(result.at("/metadata/engine/routes_tried/0/code").asString())
            .isEqualTo("provider_unavailable");
      }
      assertThat(circuit(api, "kling").path("circuit").asString()).isIn("open", "half_open");

      String skipping = api.submitOk(T2V, BODY);
      JsonNode skipped = completed(api, skipping);
      assertThat(skipped.at("/metadata/route").asString()).isEqualTo("fal");
      assertThat(skipped.at("/metadata/engine/routes_tried/0/code").asString())
          .isEqualTo("circuit_open");
      assertThat(api.status(skipping).body().path("logs").toString())
          .contains("route kling skipped: its circuit is open");
      assertThat(
              new String(
                  kino.api().getBytes("/metrics").body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("kino_route_circuit_open{model=\"" + T2V + "\",route=\"kling\"} 1.0");

      await().atMost(WAIT).until(() -> reachable(kling.url()));
      await()
          .atMost(WAIT)
          .until(() -> circuit(api, "kling").path("circuit").asString().equals("half_open"));
      String probe = api.submitOk(T2V, BODY);
      JsonNode probed = completed(api, probe);
      assertThat(probed.at("/metadata/route").asString()).isEqualTo("kling");
      assertThat(api.status(probe).body().path("logs").toString()).contains("a probe");
      assertThat(circuit(api, "kling").path("circuit").asString()).isEqualTo("closed");
      assertThat(completed(api, api.submitOk(T2V, BODY)).at("/metadata/route").asString())
          .isEqualTo("kling");
    }
  }

  @Test
  void weighted_routes_share_the_jobs_by_their_weights() {
    try (FakeFal heavy = new FakeFal(FAL_KEY);
        FakeFal light = new FakeFal(FAL_KEY)) {
      heavy.timing(Duration.ZERO, Duration.ofMillis(50));
      light.timing(Duration.ZERO, Duration.ofMillis(50));
      ObjectNode three = fal("heavy", heavy).put("weight", 3);
      ObjectNode one = fal("light", light).put("weight", 1);
      try (TestServer kino =
          kino(
              RoutedModels.routed(
                  T2V,
                  JsonMapper.shared().createObjectNode().put("policy", "weighted"),
                  three,
                  one),
              1)) {
        Api api = kino.api();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          ids.add(api.submitOk(T2V, BODY));
        }
        for (String id : ids) {
          api.awaitState(id, WAIT, "completed", "failed");
        }

        assertThat(heavy.tasksCreated() + light.tasksCreated()).isEqualTo(200);
        assertThat(heavy.tasksCreated()).isBetween(135, 165);
        assertThat(light.tasksCreated()).isBetween(45, 55);
      }
    }
  }

  @Test
  void refused_content_never_moves_to_the_next_route() {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        FakeFal fal = new FakeFal(FAL_KEY);
        TestServer kino =
            kino(RoutedModels.routed(T2V, fallback(3, 30), kling(kling), fal("fal", fal)), 1)) {
      kling.failNextWith("content_refused"); // 1301: the content security policy
      Api api = kino.api();
      String id = api.submitOk(T2V, BODY);

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode result = api.result(id).body();
      assertThat(result.at("/error/code").asString()).isEqualTo("content_refused");
      assertThat(result.at("/error/detail/code").asString()).isEqualTo("1301");
      assertThat(result.at("/metadata/route").asString()).isEqualTo("kling");
      assertThat(fal.tasksCreated()).isZero();
      assertThat(circuit(api, "kling").path("consecutive_failures").asInt())
          .as("the user's fault is not the route's")
          .isZero();
    }
  }

  @Test
  void kino_killed_mid_job_on_the_secondary_resumes_there_with_the_same_task() throws Exception {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        FakeFal fal = new FakeFal(FAL_KEY)) {
      kling.refuseNext(1000); // busy throughout: every job goes to fal
      fal.timing(Duration.ofMillis(200), Duration.ofSeconds(4));
      Path models = RoutedModels.routed(T2V, fallback(3, 30), kling(kling), fal("fal", fal));

      JsonNode done = KilledMidJob.run(KEYS, models, T2V, BODY);

      assertThat(done.path("route").asString()).isEqualTo("fal");
      assertThat(done.path("logs").toString()).contains("resuming on route fal");
      assertThat(fal.tasksCreated()).isEqualTo(1);
      assertThat(kling.tasksCreated()).isZero();
    }
  }

  @Test
  void a_definition_changed_after_submit_does_not_move_a_running_job() throws Exception {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        FakeFal fal = new FakeFal(FAL_KEY)) {
      kling.timing(Duration.ofMillis(200), Duration.ofSeconds(4));
      Path klingFirst = RoutedModels.routed(T2V, fallback(3, 30), kling(kling), fal("fal", fal));
      Path falFirst = RoutedModels.routed(T2V, fallback(3, 30), fal("fal", fal), kling(kling));

      JsonNode done = KilledMidJob.run(KEYS, klingFirst, falFirst, T2V, BODY);

      assertThat(done.path("status").asString()).isEqualTo("completed");
      assertThat(done.path("route").asString()).isEqualTo("kling");
      assertThat(kling.tasksCreated()).isEqualTo(1);
      assertThat(fal.tasksCreated()).isZero();
    }
  }

  @Test
  void a_job_whose_route_was_removed_while_it_ran_fails_as_such_instead_of_starting_elsewhere()
      throws Exception {
    try (FakeKling kling = new FakeKling(ACCESS, SECRET);
        FakeFal fal = new FakeFal(FAL_KEY)) {
      kling.timing(Duration.ofMillis(200), Duration.ofSeconds(4));
      Path both = RoutedModels.routed(T2V, fallback(3, 30), kling(kling), fal("fal", fal));
      Path falOnly = RoutedModels.routed(T2V, fallback(3, 30), fal("fal", fal), fal("fal-2", fal));

      JsonNode ended = KilledMidJob.run(KEYS, both, falOnly, T2V, BODY);

      assertThat(ended.path("status").asString()).isEqualTo("failed");
      assertThat(ended.at("/result/error/code").asString()).isEqualTo("route_removed");
      assertThat(fal.tasksCreated()).isZero();
    }
  }

  private static JsonNode completed(Api api, String id) {
    api.awaitState(id, WAIT, "completed", "failed");
    JsonNode result = api.result(id).body();
    assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("completed");
    return result;
  }

  /** The route as an admin's view of the model shows it. */
  private static JsonNode circuit(Api api, String route) {
    for (JsonNode r : api.get("/v1/models/" + T2V).body().at("/routing/routes")) {
      if (r.path("name").asString().equals(route)) {
        return r;
      }
    }
    throw new AssertionError("no route " + route + " in " + api.get("/v1/models/" + T2V).body());
  }

  private static boolean reachable(String url) {
    URI uri = URI.create(url);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
