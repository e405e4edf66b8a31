package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.Credentials;
import dev.kino.testing.Api;
import dev.kino.testing.Examples;
import dev.kino.testing.FakeFal;
import dev.kino.testing.FakeHailuo;
import dev.kino.testing.FakeKling;
import dev.kino.testing.FakeLuma;
import dev.kino.testing.FakeOpenAiVideos;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.FakeReplicate;
import dev.kino.testing.FakeRunComfy;
import dev.kino.testing.FakeRunway;
import dev.kino.testing.FakeSeedance;
import dev.kino.testing.FakeVeo;
import dev.kino.testing.FakeWan;
import dev.kino.testing.RoutedModels;
import dev.kino.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every provider's own failure answers become Kino's codes, end to end through Kino's HTTP API. For
 * each provider (its fake answering as the provider's documentation says it does) and each code, a
 * job runs on a model routed first to the provider, then to the sandbox. A failure of the route's
 * own (busy, unreachable, out of quota, a refused key, a failed task, too slow) moves the job to
 * the sandbox, which completes it, and the code the provider's answer was read as is in {@code
 * routes_tried}; the user's own fault (invalid input, refused content) fails the job with its code
 * and the provider's words in {@code detail}, and never reaches the sandbox.
 */
class ProviderFailureCodesTest {
  private static final String T2V = "kling/kling-3.0/standard/text-to-video";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final List<String> ROUTE_FAULTS =
      List.of(
          "provider_busy",
          "provider_unavailable",
          "provider_quota",
          "provider_auth",
          "provider_failed",
          "timeout");
  private static final List<String> USER_FAULTS = List.of("invalid_input", "content_refused");

  /**
   * One provider under test: its fake, its route's settings, its keys, and the Kino field its
   * invalid-input answer names (empty: the provider names none).
   */
  private record Provider(
      String engine,
      Supplier<FakeProvider> fake,
      Function<FakeProvider, ObjectNode> settings,
      Map<String, String> keys,
      Optional<String> namedField,
      Optional<OwnModel> own) {
    Provider(
        String engine,
        Supplier<FakeProvider> fake,
        Function<FakeProvider, ObjectNode> settings,
        Map<String, String> keys,
        Optional<String> namedField) {
      this(engine, fake, settings, keys, namedField, Optional.empty());
    }
  }

  /**
   * A provider whose models have their own fields (not the seed's): one of its shipped definitions,
   * on two routes of its engine, the spare at a second fake.
   */
  private record OwnModel(String examples, String model, String body, String basePath) {
    OwnModel(String examples, String model, String body) {
      this(examples, model, body, "");
    }
  }

  private static final Map<String, Provider> PROVIDERS =
      byEngine(
          new Provider(
              "kling",
              () -> new FakeKling("ak-test-access-key", "sk-test-secret-key-0123456789abcdef"),
              fake ->
                  settings(fake)
                      .put("access_key_env", "KINO_TEST_KLING_ACCESS")
                      .put("secret_key_env", "KINO_TEST_KLING_SECRET"),
              Map.of(
                  "KINO_TEST_KLING_ACCESS", "ak-test-access-key",
                  "KINO_TEST_KLING_SECRET", "sk-test-secret-key-0123456789abcdef"),
              Optional.empty()),
          new Provider(
              "fal",
              () -> new FakeFal("fal-test-key"),
              fake ->
                  settings(fake)
                      .put("api_key_env", "KINO_TEST_FAL_KEY")
                      .put("model", FalEngineEndToEndTest.FAL_T2V),
              Map.of("KINO_TEST_FAL_KEY", "fal-test-key"),
              Optional.of("prompt")),
          new Provider(
              "replicate",
              () -> new FakeReplicate("r8_test_token"),
              fake ->
                  settings(fake)
                      .put("api_key_env", "KINO_TEST_REPLICATE_TOKEN")
                      .put("model", "kwaivgi/kling-v3-standard"),
              Map.of("KINO_TEST_REPLICATE_TOKEN", "r8_test_token"),
              Optional.of("prompt")),
          new Provider(
              "runcomfy",
              () -> new FakeRunComfy("rc-test-key"),
              fake -> settings(fake).put("api_key_env", "KINO_TEST_RUNCOMFY_KEY"),
              Map.of("KINO_TEST_RUNCOMFY_KEY", "rc-test-key"),
              Optional.of("prompt")),
          new Provider(
              "veo",
              () -> new FakeVeo("gemini-test-key"),
              fake ->
                  settings(fake)
                      .put("base_url", fake.url() + "/v1beta")
                      .put("api_key_env", "KINO_TEST_GEMINI_KEY")
                      .put("model", "veo-3.1-generate-preview"),
              Map.of("KINO_TEST_GEMINI_KEY", "gemini-test-key"),
              Optional.of("durationSeconds")),
          new Provider(
              "runway",
              () -> new FakeRunway("rw-test-key"),
              fake -> settings(fake),
              Map.of("RUNWAYML_API_SECRET", "rw-test-key"),
              Optional.of("ratio"),
              Optional.of(
                  new OwnModel(
                      "upstream/runway",
                      "runway/gen4.5/text-to-video",
                      "{\"promptText\": \"a lighthouse at dusk\", \"duration\": 3}"))),
          new Provider(
              "hailuo",
              () -> new FakeHailuo("mm-test-key"),
              fake -> settings(fake),
              Map.of("MINIMAX_API_KEY", "mm-test-key"),
              Optional.empty(),
              Optional.of(
                  new OwnModel(
                      "upstream/hailuo",
                      "minimax/hailuo-2.3/text-to-video",
                      "{\"prompt\": \"a lighthouse at dusk\"}"))),
          new Provider(
              "luma",
              () -> new FakeLuma("luma-test-key"),
              fake -> settings(fake),
              Map.of("LUMAAI_API_KEY", "luma-test-key"),
              Optional.empty(),
              Optional.of(
                  new OwnModel(
                      "upstream/luma",
                      "luma/ray-2/text-to-video",
                      "{\"prompt\": \"a lighthouse\"}",
                      "/dream-machine/v1"))),
          new Provider(
              "seedance",
              () -> new FakeSeedance("ark-test-key"),
              fake -> settings(fake),
              Map.of("ARK_API_KEY", "ark-test-key"),
              Optional.of("ratio"),
              Optional.of(
                  new OwnModel(
                      "upstream/seedance",
                      "bytedance/seedance-1.0-pro/text-to-video",
                      "{\"prompt\": \"a lighthouse\", \"duration\": 3}",
                      "/api/v3"))),
          new Provider(
              "wan",
              () -> new FakeWan("ds-test-key"),
              fake -> settings(fake),
              Map.of("DASHSCOPE_API_KEY", "ds-test-key"),
              Optional.empty(),
              Optional.of(
                  new OwnModel(
                      "upstream/wan",
                      "alibaba/wan-2.2-plus/text-to-video",
                      "{\"prompt\": \"a lighthouse\"}",
                      "/api/v1"))),
          new Provider(
              "openai-videos",
              () -> new FakeOpenAiVideos("sk-test-openai"),
              fake ->
                  settings(fake)
                      .put("api_key_env", "KINO_TEST_OPENAI_KEY")
                      .put("model", "kling-v3"),
              Map.of("KINO_TEST_OPENAI_KEY", "sk-test-openai"),
              Optional.of("duration")));

  private static Map<String, Provider> byEngine(Provider... all) {
    return java.util.Arrays.stream(all)
        .collect(java.util.stream.Collectors.toMap(Provider::engine, p -> p));
  }

  /** The route's settings every provider shares: its fake, and a two-second limit per task. */
  private static ObjectNode settings(FakeProvider fake) {
    return JsonMapper.shared()
        .createObjectNode()
        .put("base_url", fake.url())
        .put("concurrency", 2)
        .put("timeout_seconds", 2);
  }

  /**
   * Fallback, with a circuit that never opens: every case here reaches the provider, though many
   * fail in a row.
   */
  private static ObjectNode fallbackWithoutBreaker() {
    ObjectNode fields = JsonMapper.shared().createObjectNode().put("policy", "fallback");
    fields.putObject("circuit_breaker").put("failures", 1000).put("cooldown_seconds", 1);
    return fields;
  }

  /**
   * A running fake and a Kino routing the model to it, then to the sandbox (or a second fake): one
   * per provider.
   */
  private record Running(
      FakeProvider fake, TestServer kino, String model, String body, AutoCloseable spare) {}

  private static final Map<String, Running> RUNNING = new ConcurrentHashMap<>();

  static Stream<Arguments> cases() {
    return PROVIDERS.keySet().stream()
        .sorted()
        .flatMap(
            p ->
                Stream.concat(ROUTE_FAULTS.stream(), USER_FAULTS.stream())
                    .map(code -> Arguments.of(p, code)));
  }

  private static Running running(String name) {
    return RUNNING.computeIfAbsent(
        name,
        n -> {
          Provider provider = PROVIDERS.get(n);
          FakeProvider fake = provider.fake().get();
          fake.timing(Duration.ofMillis(100), Duration.ofMillis(300));
          if (provider.own().isPresent()) {
            OwnModel own = provider.own().get();
            FakeProvider spare = provider.fake().get();
            spare.timing(Duration.ofMillis(100), Duration.ofMillis(300));
            ObjectNode fields = fallbackWithoutBreaker();
            Path models =
                Examples.onTwoRoutes(
                    Examples.dir(own.examples()),
                    own.model(),
                    fake.url() + own.basePath(),
                    spare.url() + own.basePath(),
                    fields);
            limitTasks(models, own.model());
            TestServer kino =
                TestServer.start(
                    s ->
                        s.withWorkers(2)
                            .withModelsDir(models)
                            .withCredentials(Credentials.of(provider.keys())));
            return new Running(fake, kino, own.model(), own.body(), spare);
          }
          TestServer kino =
              TestServer.start(
                  s ->
                      s.withWorkers(2)
                          .withModelsDir(
                              RoutedModels.routed(
                                  T2V,
                                  fallbackWithoutBreaker(),
                                  RoutedModels.route(
                                      "primary",
                                      provider.engine(),
                                      provider.settings().apply(fake)),
                                  RoutedModels.route("spare", "sandbox", smallClips())))
                          .withCredentials(Credentials.of(provider.keys())));
          return new Running(
              fake, kino, T2V, "{\"prompt\": \"a lighthouse at dusk\", \"duration\": 3}", () -> {});
        });
  }

  /** The spare's sandbox renders a small clip: its picture is not what this test is about. */
  static ObjectNode smallClips() {
    return JsonMapper.shared().createObjectNode().put("short_side", 72);
  }

  /** The primary route's tasks limited to two seconds, like the other providers' here. */
  private static void limitTasks(Path models, String model) {
    try {
      Path file = models.resolve(model + ".json");
      ObjectNode definition = (ObjectNode) JsonMapper.shared().readTree(Files.readString(file));
      ((ObjectNode) definition.at("/routes/0/engine/settings")).put("timeout_seconds", 2);
      Files.writeString(file, JsonMapper.shared().writeValueAsString(definition));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    RUNNING
        .values()
        .forEach(
            r -> {
              r.kino().close();
              r.fake().close();
            });
    RUNNING.clear();
  }

  @ParameterizedTest(name = "{0} answering as {1}")
  @MethodSource("cases")
  void each_failure_of_a_provider_is_read_as_one_of_kinos_codes(String provider, String code) {
    Running at = running(provider);
    Api api = at.kino().api();
    at.fake().failNextWith(code);
    String id = api.submitOk(at.model(), at.body());

    api.awaitState(id, WAIT, "completed", "failed");

    JsonNode result = api.result(id).body();
    if (ROUTE_FAULTS.contains(code)) {
      assertThat(result.path("status").asString())
          .as("moved to the spare route")
          .isEqualTo("completed");
      assertThat(result.at("/metadata/route").asString()).isEqualTo("spare");
      JsonNode left = result.at("/metadata/engine/routes_tried/0");
      assertThat(left.path("route").asString()).isEqualTo("primary");
      assertThat(left.path("code").asString()).isEqualTo(code);
    } else {
      assertThat(result.path("status").asString()).as("never moved").isEqualTo("failed");
      JsonNode error = result.path("error");
      assertThat(error.path("code").asString()).isEqualTo(code);
      assertThat(error.at("/detail/provider").asString())
          .isEqualTo(PROVIDERS.get(provider).engine());
      assertThat(error.at("/detail/message").asString()).isNotBlank();
      assertThat(result.at("/metadata/route").asString()).isEqualTo("primary");
      if (code.equals("invalid_input")) {
        assertThat(error.at("/detail/field").asString(""))
            .isEqualTo(PROVIDERS.get(provider).namedField().orElse(""));
      }
    }
  }
}
