package dev.kino.engines.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.media.MediaProbe;
import dev.kino.testing.Api;
import dev.kino.testing.ComfyServers;
import dev.kino.testing.EventStream;
import dev.kino.testing.Images;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Kino's ComfyUI engine does with a ComfyUI server, held to one suite that runs against the
 * fake ({@link FakeComfyUiConformanceTest}) and against the real program of the test kit ({@link
 * KitComfyUiConformanceTest}), so the fake cannot drift from what ComfyUI does. The models are the
 * kit's ({@code kino-kit/...}: weightless workflows that render real MP4s through SaveVideo, and
 * one workflow per way a prompt can go wrong). Everything goes through Kino's HTTP API; what is
 * checked on the ComfyUI side goes through ComfyUI's own ({@code /queue}, {@code /history}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ComfyUiConformance {
  static final String T2V = "kino-kit/text-to-video";
  static final String I2V = "kino-kit/image-to-video";
  static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ComfyServers servers;

  /** Two servers, started once for the class. */
  abstract ComfyServers startServers();

  @BeforeAll
  void start() {
    servers = startServers();
  }

  @AfterAll
  void stop() {
    if (servers != null) {
      servers.close();
    }
  }

  @BeforeEach
  void fullPool() {
    servers.reviveAll();
    servers.urls().forEach(ComfyUiConformance::awaitIdle);
  }

  /** Kino with the kit's models on the given servers (by index). */
  private TestServer kino(int... indexes) {
    List<URI> urls = new ArrayList<>();
    for (int i : indexes) {
      urls.add(servers.urls().get(i));
    }
    return TestServer.start(
        s -> s.withWorkers(2).withModelsDir(servers.models()).withComfyui(urls));
  }

  @Test
  void text_to_video_renders_an_mp4_named_after_the_job() throws Exception {
    try (TestServer kino = kino(0)) {
      Api api = kino.api();
      String id =
          api.submitOk(
              T2V, "{\"prompt\": \"a red kite\", \"duration\": 1, \"aspect_ratio\": \"9:16\"}");

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      JsonNode result = api.result(id).body();
      Path video = Api.downloadToFile(result.at("/output/video").asString());
      var info = MediaProbe.probe(video);
      assertThat(info.width()).isEqualTo(180);
      assertThat(info.height()).isEqualTo(320);
      assertThat(result.at("/metadata/engine/files/5.images/0").asString())
          .startsWith("video/kino-kit-t2v-" + id + "_")
          .endsWith(".mp4");
    }
  }

  @Test
  void image_to_video_uploads_the_start_image_for_load_image() throws Exception {
    try (Images images = Images.serve();
        TestServer kino = kino(0)) {
      Api api = kino.api();
      String id =
          api.submitOk(
              I2V,
              "{\"prompt\": \"make it move\", \"duration\": 1, \"start_image_url\": \""
                  + images.put("/start.png", Images.encode(Images.quadrants(256, 144), "png"))
                  + "\"}");

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      Path video = Api.downloadToFile(api.result(id).body().at("/output/video").asString());
      assertThat(MediaProbe.probe(video).width()).isEqualTo(320);
    }
  }

  @Test
  void progress_shows_on_the_events_stream_and_never_goes_back() {
    try (TestServer kino = kino(0)) {
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"slow\", \"duration\": 3}");
      api.awaitState(id, WAIT, "completed", "failed");

      List<Double> figures;
      try (EventStream events =
          EventStream.open(api.result(id).body().path("events_url").asString(), api.key(), null)) {
        figures =
            events.readToEnd().stream()
                .filter(e -> e.type().equals("progress"))
                .map(e -> e.data().path("progress").asDouble())
                .toList();
      }
      assertThat(figures)
          .isNotEmpty()
          .isSorted()
          .allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
      assertThat(api.status(id).text("status")).isEqualTo("completed");
    }
  }

  @Test
  void a_running_job_is_cancelled_by_an_interrupt_and_the_server_takes_the_next_job() {
    URI server = servers.urls().getFirst();
    try (TestServer kino = kino(0)) {
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"long\", \"duration\": 10}");
      await().atMost(WAIT).until(() -> api.status(id).body().path("progress").asDouble(0) > 0.05);

      assertThat(api.cancel(id).status()).isEqualTo(200);

      assertThat(api.awaitState(id, WAIT, "cancelled").path("status").asString())
          .isEqualTo("cancelled");
      awaitIdle(server);
      String next = api.submitOk(T2V, "{\"prompt\": \"next\", \"duration\": 1}");
      JsonNode done = api.awaitState(next, WAIT, "completed", "failed");
      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(api.result(next).body().at("/metadata/engine/server").asString())
          .isEqualTo(server.toString());
    }
  }

  @Test
  void a_prompt_comfyui_refuses_fails_node_error_naming_the_node_and_input() {
    try (TestServer kino = kino(0)) {
      JsonNode error = failure(kino.api(), "kino-kit/test/node-error");

      assertThat(error.path("code").asString()).isEqualTo("node_error");
      assertThat(error.path("message").asString())
          .contains("(ImageScale) input upscale_method")
          .contains("Value not in list")
          .contains("magic-upscale");
    }
  }

  @Test
  void a_prompt_comfyui_accepts_only_in_part_fails_node_error_and_leaves_the_queue() {
    // ComfyUI answers 200 with node_errors when some outputs validate: it would run those alone.
    try (TestServer kino = kino(0)) {
      for (String model :
          List.of(
              "kino-kit/test/two-branch-video-broken", "kino-kit/test/two-branch-poster-broken")) {
        JsonNode error = failure(kino.api(), model);

        assertThat(error.path("code").asString()).as(model).isEqualTo("node_error");
        assertThat(error.path("message").asString()).as(model).contains("ComfyUI refused");
        awaitIdle(servers.urls().getFirst());
      }
    }
  }

  @Test
  void a_node_that_raises_fails_execution_error_with_its_message() {
    try (TestServer kino = kino(0)) {
      JsonNode error = failure(kino.api(), "kino-kit/test/execution-error");

      assertThat(error.path("code").asString()).isEqualTo("execution_error");
      assertThat(error.path("message").asString())
          .contains("(KinoKitFail)")
          .contains("out of imaginary VRAM");
    }
  }

  @Test
  void a_prompt_that_saves_no_file_fails_no_output() {
    try (TestServer kino = kino(0)) {
      JsonNode error = failure(kino.api(), "kino-kit/test/no-output");

      assertThat(error.path("code").asString()).isEqualTo("no_output");
    }
  }

  @Test
  void the_same_request_twice_with_the_first_files_deleted_meanwhile_renders_again()
      throws Exception {
    // ComfyUI caches by inputs: an identical prompt runs nothing and replays the first one's file
    // names. Kino's mark on the output nodes makes them run again; the nodes before stay cached.
    try (TestServer kino = kino(0)) {
      Api api = kino.api();
      String request = "{\"prompt\": \"the same\", \"duration\": 1, \"seed\": 77}";
      String first = api.submitOk(T2V, request);
      assertThat(api.awaitState(first, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");

      servers.deleteOutputs();
      String second = api.submitOk(T2V, request);

      JsonNode done = api.awaitState(second, WAIT, "completed", "failed");
      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      JsonNode result = api.result(second).body();
      assertThat(result.at("/metadata/engine/files/5.images/0").asString()).contains(second);
      assertThat(
              MediaProbe.probe(Api.downloadToFile(result.at("/output/video").asString())).width())
          .isPositive();
      String promptId = result.at("/metadata/engine/prompt_id").asString();
      JsonNode cached = message(history(servers.urls().getFirst(), promptId), "execution_cached");
      assertThat(cached.path("nodes").toString())
          .as("the frames and the animation were not made again")
          .contains("\"3\"")
          .doesNotContain("\"5\"");
    }
  }

  @Test
  void kino_killed_mid_job_resumes_the_same_prompt_instead_of_queueing_it_again() throws Exception {
    URI server = servers.urls().getFirst();
    Path dataDir = Files.createTempDirectory("kino-comfyui-kill-");
    String[] flags = {"--models-dir", servers.models().toString(), "--comfyui", server.toString()};
    String id;
    try (KinoProcess first = KinoProcess.serve(dataDir, flags)) {
      Api api = first.api(TestServer.ADMIN_KEY);
      id = api.submitOk(T2V, "{\"prompt\": \"survive\", \"duration\": 6}");
      await().atMost(WAIT).until(() -> api.status(id).body().path("progress").asDouble(0) > 0.05);
      first.kill9();
    }

    try (KinoProcess second = KinoProcess.serve(dataDir, flags)) {
      Api api = second.api(TestServer.ADMIN_KEY);
      api.awaitState(id, WAIT, "completed", "failed");
      JsonNode done = api.status(id).body();
      assertThat(done.path("status").asString()).as(second.output()).isEqualTo("completed");
      assertThat(done.path("logs").toString()).contains("resuming ComfyUI prompt");
      assertThat(promptsOfJob(server, id)).as("one prompt for the job on the server").isEqualTo(1);
      Path video = Api.downloadToFile(api.result(id).body().at("/output/video").asString());
      assertThat(MediaProbe.probe(video).width()).isPositive();
    }
  }

  @Test
  void a_comfyui_killed_mid_job_leaves_the_pool_the_job_finishes_on_the_other_and_it_comes_back() {
    Assumptions.assumeTrue(servers.controllable(), "these servers are not the suite's to kill");
    try (TestServer kino = kino(0, 1)) {
      Api api = kino.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"doomed server\", \"duration\": 8}");
      await().atMost(WAIT).until(() -> api.status(id).body().path("progress").asDouble(0) > 0.05);
      int victim = serverOf(api, id);

      servers.kill(victim);

      api.awaitState(id, WAIT, "completed", "failed");
      JsonNode done = api.status(id).body();
      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(done.path("attempt").asInt()).isEqualTo(2);
      assertThat(api.result(id).body().at("/metadata/engine/server").asString())
          .isEqualTo(servers.urls().get(1 - victim).toString());

      servers.restart(victim);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                String a = api.submitOk(T2V, "{\"prompt\": \"a\", \"duration\": 2}");
                String b = api.submitOk(T2V, "{\"prompt\": \"b\", \"duration\": 2}");
                Set<String> used = new HashSet<>();
                for (String job : List.of(a, b)) {
                  api.awaitState(job, WAIT, "completed", "failed");
                  used.add(api.result(job).body().at("/metadata/engine/server").asString());
                }
                assertThat(used).as("both servers take jobs again").hasSize(2);
              });
    }
  }

  @Test
  void the_next_job_waits_in_the_servers_own_queue_and_the_one_after_in_kinos() {
    // One prompt runs, the next waits in ComfyUI's queue so the GPU starts it the moment the first
    // ends (--comfyui-queue-depth 2, the default), and the third waits in Kino's queue.
    URI server = servers.urls().getFirst();
    try (TestServer kino = kino(0)) {
      Api api = kino.api();
      String first = api.submitOk(T2V, "{\"prompt\": \"one\", \"duration\": 4}");
      await().atMost(WAIT).until(() -> api.status(first).text("status").equals("in_progress"));
      String second = api.submitOk(T2V, "{\"prompt\": \"two\", \"duration\": 1}");
      String third = api.submitOk(T2V, "{\"prompt\": \"three\", \"duration\": 1}");

      await().atMost(WAIT).until(() -> comfy(server, "/queue").path("queue_pending").size() == 1);
      assertThat(api.status(first).text("status")).isEqualTo("in_progress");
      assertThat(api.status(second).text("status")).isEqualTo("in_progress");
      JsonNode waiting = api.status(third).body();
      assertThat(waiting.path("status").asString()).isEqualTo("in_queue");
      assertThat(waiting.path("queue_position").asInt(-1)).isZero();

      List<JsonNode> runs = new ArrayList<>();
      for (String id : List.of(first, second, third)) {
        assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
            .isEqualTo("completed");
        runs.add(
            history(server, api.result(id).body().at("/metadata/engine/prompt_id").asString()));
      }
      for (int i = 1; i < runs.size(); i++) {
        long ended = message(runs.get(i - 1), "execution_success").path("timestamp").asLong();
        long started = message(runs.get(i), "execution_start").path("timestamp").asLong();
        assertThat(started).as("ComfyUI ran them one at a time").isGreaterThanOrEqualTo(ended);
      }
    }
  }

  @Test
  void a_job_whose_prompt_waits_in_the_servers_queue_is_cancelled_by_deleting_it_there() {
    URI server = servers.urls().getFirst();
    try (TestServer kino = kino(0)) {
      Api api = kino.api();
      String first = api.submitOk(T2V, "{\"prompt\": \"runs\", \"duration\": 4}");
      await().atMost(WAIT).until(() -> api.status(first).text("status").equals("in_progress"));
      String second = api.submitOk(T2V, "{\"prompt\": \"waits\", \"duration\": 1}");
      await().atMost(WAIT).until(() -> comfy(server, "/queue").path("queue_pending").size() == 1);

      assertThat(api.cancel(second).status()).isEqualTo(200);

      assertThat(api.awaitState(second, WAIT, "cancelled").path("status").asString())
          .isEqualTo("cancelled");
      assertThat(comfy(server, "/queue").path("queue_pending").size())
          .as("deleted from ComfyUI's queue")
          .isZero();
      assertThat(api.awaitState(first, WAIT, "completed", "failed").path("status").asString())
          .as("the running one was not interrupted")
          .isEqualTo("completed");
    }
  }

  @Test
  void a_server_lacking_the_kits_nodes_gets_none_of_its_jobs_and_alone_leaves_them_waiting() {
    Assumptions.assumeTrue(servers.controllable(), "these servers are not the suite's to start");
    int bare = servers.addWithoutCustomNodes();
    URI bareUrl = servers.urls().get(bare);
    try (TestServer kino = kino(bare, 0)) {
      Api api = kino.api();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(api.submitOk(T2V, "{\"prompt\": \"where " + i + "\", \"duration\": 1}"));
      }
      for (String id : ids) {
        assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
            .isEqualTo("completed");
        assertThat(api.result(id).body().at("/metadata/engine/server").asString())
            .isEqualTo(servers.urls().getFirst().toString());
      }
      assertThat(api.get("/v1/models/" + T2V).body().path("available").asBoolean()).isTrue();
    }
    try (TestServer kino = kino(bare)) {
      Api api = kino.api();
      await()
          .atMost(WAIT)
          .until(() -> !api.get("/v1/models/" + T2V).body().path("available").asBoolean(true));
      JsonNode model = api.get("/v1/models/" + T2V).body();
      assertThat(model.path("unavailable_reason").asString())
          .contains(bareUrl.toString())
          .contains("node type KinoKitTextColor");

      String id = api.submitOk(T2V, "{\"prompt\": \"nowhere\", \"duration\": 1}");

      JsonNode status = api.status(id).body();
      assertThat(status.path("status").asString()).isEqualTo("in_queue");
      assertThat(status.path("waiting_reason").asString()).contains("KinoKitTextColor");
      assertThat(comfy(bareUrl, "/history").isEmpty()).as("nothing was sent there").isTrue();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Submits a kit test model's request and returns the error it fails with. */
  private static JsonNode failure(Api api, String model) {
    String id = api.submitOk(model, "{\"prompt\": \"p\", \"duration\": 1}");
    JsonNode done = api.awaitState(id, WAIT, "failed", "completed");
    assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("failed");
    return api.result(id).body().path("error");
  }

  /** Which of the suite's servers a running job's prompt was queued on (its log says). */
  private int serverOf(Api api, String id) {
    String logs = api.status(id).body().path("logs").toString();
    for (int i = 0; i < servers.urls().size(); i++) {
      if (logs.contains("on " + servers.urls().get(i))) {
        return i;
      }
    }
    throw new AssertionError("no server named in the job's logs: " + logs);
  }

  private static JsonNode comfy(URI server, String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      return JsonMapper.shared().readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " of " + server + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until nothing runs or waits in the server's own queue. */
  private static void awaitIdle(URI server) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode queue = comfy(server, "/queue");
              return queue.path("queue_running").isEmpty() && queue.path("queue_pending").isEmpty();
            });
  }

  private static JsonNode history(URI server, String promptId) {
    JsonNode entry = comfy(server, "/history/" + promptId).path(promptId);
    assertThat(entry.isObject()).as("history of " + promptId).isTrue();
    return entry;
  }

  /** The data of the first message of this type a history entry keeps. */
  private static JsonNode message(JsonNode history, String type) {
    for (JsonNode m : history.at("/status/messages")) {
      if (m.path(0).asString().equals(type)) {
        return m.path(1);
      }
    }
    throw new AssertionError("no " + type + " in " + history.at("/status/messages"));
  }

  /** How many prompts in the server's history wrote files for this job. */
  private static long promptsOfJob(URI server, String jobId) {
    long count = 0;
    for (Map.Entry<String, JsonNode> entry : comfy(server, "/history").properties()) {
      for (JsonNode node : entry.getValue().path("prompt").path(2)) {
        if (node.path("inputs").path("filename_prefix").asString("").endsWith(jobId)) {
          count++;
        }
      }
    }
    return count;
  }
}
