package dev.kino.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.testing.Api;
import dev.kino.testing.FakeComfyUi;
import dev.kino.testing.FakeKling;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.KitComfyServers;
import dev.kino.testing.LoadsTheMachine;
import dev.kino.testing.PostgresServer;
import dev.kino.testing.RoutedModels;
import dev.kino.testing.S3Server;
import dev.kino.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine capacity is the cluster's, not each node's: nodes that share a ComfyUI server, or a
 * provider account with a concurrency limit, count their jobs on it together through the database,
 * and a dead node's share comes back with its leases.
 */
@LoadsTheMachine
class SharedCapacityTest {
  static final Path WAN =
      Path.of(System.getProperty("user.dir")).resolve("../examples/comfyui/models").normalize();
  static final String T2V = "wan/wan-2.2/ti2v-5b/text-to-video";
  static final Duration WAIT = Duration.ofMinutes(3);
  static final int JOBS = 120;
  static final int KIT_JOBS = 24;
  static final String ACCESS = "ak-test-access-key";
  static final String SECRET = "sk-test-secret-key-0123456789abcdef";

  @Test
  void two_nodes_on_one_comfyui_server_never_give_it_more_than_its_depth_even_when_one_dies()
      throws Exception {
    try (FakeComfyUi comfy = new FakeComfyUi().slowSteps(2, Duration.ofMillis(20))) {
      twoNodesOnOneServer(
          comfy.url(), WAN, T2V, "{\"prompt\": \"job %d\"}", JOBS, () -> comfy.prompts().size());
      assertThat(comfy.maxPresent())
          .as("Kino prompts on the server at once, both nodes together (depth 2)")
          .isLessThanOrEqualTo(2);
      assertThat(comfy.maxConcurrent()).isEqualTo(1);
    }
  }

  /**
   * As above on the real ComfyUI program of the test kit, watched through its own {@code /queue}
   * (fewer jobs: each takes a second of the kit's work on the CPU).
   */
  @Test
  void two_nodes_on_one_real_comfyui_server_never_give_it_more_than_its_depth() throws Exception {
    Optional<Path> kit = KitComfyServers.kit();
    Assumptions.assumeTrue(kit.isPresent(), "no ComfyUI test kit (shared/comfyui)");
    try (KitComfyServers servers = KitComfyServers.start(kit.get(), 1);
        ComfyQueueWatch queue = new ComfyQueueWatch(servers.urls().getFirst())) {
      twoNodesOnOneServer(
          servers.urls().getFirst().toString(),
          servers.models(),
          "kino-kit/text-to-video",
          "{\"prompt\": \"job %d\", \"duration\": 1}",
          KIT_JOBS,
          queue::prompts);
      assertThat(queue.maxPresent())
          .as("prompts in ComfyUI's queue at once, both nodes together (depth 2)")
          .isBetween(1, 2);
    }
  }

  /**
   * Two nodes given one ComfyUI server share {@code jobs}; the first is killed -9 once a third of
   * them have reached the server, and the other finishes every one.
   */
  private static void twoNodesOnOneServer(
      String comfyUrl,
      Path models,
      String model,
      String bodyFormat,
      int jobs,
      Callable<Integer> promptsSoFar)
      throws Exception {
    String database = PostgresServer.shared().newDatabase();
    S3Server s3 = S3Server.shared();
    URI bucket = s3.newBucket();
    String[] flags = {
      "--database",
      database,
      "--storage",
      bucket.toString(),
      "--models-dir",
      models.toString(),
      "--comfyui",
      comfyUrl,
      "--lease-seconds",
      "3",
      "--max-attempts",
      "5"
    };
    KinoProcess doomed = node(s3, flags);
    try (KinoProcess survivor = node(s3, flags)) {
      Api first = doomed.api(TestServer.ADMIN_KEY);
      Api second = survivor.api(TestServer.ADMIN_KEY);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        ids.add((i % 2 == 0 ? first : second).submitOk(model, bodyFormat.formatted(i)));
      }
      await().atMost(WAIT).until(() -> promptsSoFar.call() >= jobs / 3);
      doomed.kill9();

      for (String id : ids) {
        assertThat(second.awaitState(id, WAIT, "completed", "failed").path("status").asString())
            .as(id)
            .isEqualTo("completed");
      }
    } finally {
      doomed.close();
    }
  }

  /**
   * {@code routed}: the model on routes, Kling first and the sandbox as its spare: the route's
   * place is taken when the route is chosen, after the claim, and still counts every node's jobs
   * (those that find Kling's places all held go to the spare).
   */
  @ParameterizedTest(name = "routed: {0}")
  @ValueSource(booleans = {false, true})
  void three_nodes_on_one_provider_account_keep_to_its_concurrency_together(boolean routed)
      throws Exception {
    String database = PostgresServer.shared().newDatabase();
    S3Server s3 = S3Server.shared();
    URI bucket = s3.newBucket();
    try (FakeKling kling = new FakeKling(ACCESS, SECRET)) {
      kling.timing(Duration.ofMillis(100), Duration.ofMillis(300));
      ObjectNode settings =
          JsonMapper.shared()
              .createObjectNode()
              .put("base_url", kling.url())
              .put("mode", "std")
              .put("access_key_env", "KINO_TEST_KLING_ACCESS")
              .put("secret_key_env", "KINO_TEST_KLING_SECRET")
              .put("concurrency", 2);
      String t2v = "kling/kling-3.0/standard/text-to-video";
      Path models =
          routed
              ? RoutedModels.routed(
                  t2v,
                  JsonMapper.shared().createObjectNode(),
                  RoutedModels.route("kling", "kling", settings),
                  RoutedModels.route(
                      "spare",
                      "sandbox",
                      JsonMapper.shared().createObjectNode().put("short_side", 72)))
              : RoutedModels.to("kling", id -> settings, t2v);
      Map<String, String> env = new HashMap<>(s3.environment());
      env.put("KINO_TEST_KLING_ACCESS", ACCESS);
      env.put("KINO_TEST_KLING_SECRET", SECRET);
      String[] flags = {
        "--database",
        database,
        "--storage",
        bucket.toString(),
        "--models-dir",
        models.toString(),
        "--fetch-allow",
        "127.0.0.1"
      };
      List<KinoProcess> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          nodes.add(KinoProcess.serveWith(env, Files.createTempDirectory("kino-shared-"), flags));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
          ids.add(
              nodes
                  .get(i % 3)
                  .api(TestServer.ADMIN_KEY)
                  .submitOk(
                      "kling/kling-3.0/standard/text-to-video", "{\"prompt\": \"p" + i + "\"}"));
        }
        Api api = nodes.getFirst().api(TestServer.ADMIN_KEY);
        for (String id : ids) {
          JsonNode done = api.awaitState(id, WAIT, "completed", "failed");
          assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
        }
        assertThat(kling.maxOpen())
            .as("tasks open at the provider at once, three nodes together (concurrency 2)")
            .isBetween(routed ? 1 : 2, 2);
      } finally {
        nodes.forEach(KinoProcess::close);
      }
    }
  }

  private static KinoProcess node(S3Server s3, String... flags) throws Exception {
    return KinoProcess.serveWith(
        s3.environment(), Files.createTempDirectory("kino-shared-node-"), flags);
  }
}
