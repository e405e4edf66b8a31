package dev.kino.engines.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.media.MediaProbe;
import dev.kino.testing.Api;
import dev.kino.testing.EventStream;
import dev.kino.testing.FakeComfyUi;
import dev.kino.testing.Images;
import dev.kino.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The ComfyUI engine end to end: requests through Kino's HTTP API, run on fake ComfyUI servers
 * (standing in for GPU machines running ComfyUI; see {@link FakeComfyUi}) with the shipped Wan 2.2
 * example definitions.
 */
class ComfyUiEndToEndTest {
  static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/comfyui/models").normalize();
  static final String T2V = "wan/wan-2.2/ti2v-5b/text-to-video";
  static final String I2V = "wan/wan-2.2/ti2v-5b/image-to-video";
  static final Duration WAIT = Duration.ofSeconds(60);

  /** Definitions that show one ComfyUI behaviour each (the kit's are in the conformance suite). */
  static final Path TEST_MODELS =
      Path.of(System.getProperty("user.dir")).resolve("src/test/resources/comfyui-models");

  static TestServer kino(FakeComfyUi... servers) {
    List<URI> urls = Stream.of(servers).map(s -> URI.create(s.url())).toList();
    return TestServer.start(s -> s.withWorkers(2).withModelsDir(EXAMPLES).withComfyui(urls));
  }

  @Test
  void a_request_completes_with_the_video_comfyui_saved_in_a_subfolder() throws Exception {
    try (FakeComfyUi comfy = new FakeComfyUi();
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id =
          api.submitOk(
              T2V,
              "{\"prompt\": \"a heron lifts off a misty lake\", \"duration\": 3, \"aspect_ratio\": \"9:16\", \"seed\": 7}");

      JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      JsonNode result = api.result(id).body();
      Path video = Api.downloadToFile(result.path("output").path("video").asString());
      assertThat(MediaProbe.probe(video).width()).isPositive();
      assertThat(result.at("/metadata/engine/engine").asString()).isEqualTo("comfyui");
      assertThat(result.at("/metadata/engine/server").asString()).isEqualTo(comfy.url());
      assertThat(result.at("/metadata/engine/files/58.images/0").asString())
          .as("the file is named after the job")
          .startsWith("video/kino-wan22-" + id + "_");
      JsonNode graph = comfy.prompts().getFirst();
      assertThat(graph.at("/6/inputs/text").asString()).isEqualTo("a heron lifts off a misty lake");
      assertThat(graph.at("/55/inputs/length").asInt()).isEqualTo(73);
      assertThat(graph.at("/55/inputs/width").asInt()).isEqualTo(704);
      assertThat(graph.at("/3/inputs/seed").asLong()).isEqualTo(7);
    }
  }

  @Test
  void progress_from_the_sampler_shows_in_status() {
    try (FakeComfyUi comfy = new FakeComfyUi().slowSteps(20, Duration.ofMillis(150));
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      JsonNode midway =
          await()
              .atMost(WAIT)
              .until(
                  () -> api.status(id).body(),
                  s ->
                      s.path("status").asString().equals("in_progress")
                          && s.path("progress").asDouble(0) > 0.2);

      assertThat(midway.path("progress").asDouble()).isLessThan(1.0);
      assertThat(api.awaitState(id, WAIT, "completed").path("status").asString())
          .isEqualTo("completed");
    }
  }

  @Test
  void progress_never_goes_back_when_a_second_node_reports_its_own() {
    // The sampler reaches 3/4 before the first heartbeat (1 s); the decode's own bar starts low
    // after it.
    try (FakeComfyUi comfy =
            new FakeComfyUi().slowSteps(4, Duration.ofMillis(300)).decodeInTiles(10);
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
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
      assertThat(figures).isNotEmpty().isSorted().allSatisfy(p -> assertThat(p).isLessThan(1.0));
      assertThat(api.status(id).text("status")).isEqualTo("completed");
    }
  }

  @Test
  void a_refused_prompt_fails_the_request_naming_the_node_and_input() {
    try (FakeComfyUi comfy = new FakeComfyUi().rejectNextPrompt("37");
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      api.awaitState(id, WAIT, "failed");

      JsonNode error = api.result(id).body().path("error");
      assertThat(error.path("code").asString()).isEqualTo("node_error");
      assertThat(error.path("message").asString())
          .contains("node 37 (UNETLoader) input unet_name")
          .contains("Value not in list");
    }
  }

  @Test
  void an_output_file_gone_before_kino_reads_it_fails_that_job_and_the_server_keeps_working() {
    try (FakeComfyUi comfy = new FakeComfyUi().loseNextOutput();
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String lost = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      JsonNode error = api.awaitState(lost, WAIT, "failed", "completed").path("error");

      assertThat(error.path("code").asString()).isEqualTo("output_unreadable");
      assertThat(error.path("message").asString()).contains("GET /view answered 404");
      String next = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      assertThat(api.awaitState(next, WAIT, "failed", "completed").path("status").asString())
          .as("the only server was not taken out of the pool")
          .isEqualTo("completed");
    }
  }

  @Test
  void a_video_model_whose_prompt_saves_only_a_still_fails_missing_output() {
    try (FakeComfyUi comfy = new FakeComfyUi();
        TestServer server =
            TestServer.start(
                s ->
                    s.withWorkers(1)
                        .withModelsDir(TEST_MODELS)
                        .withComfyui(List.of(URI.create(comfy.url()))))) {
      Api api = server.api();
      String id = api.submitOk("test/poster-only", "{\"prompt\": \"p\", \"duration\": 1}");

      JsonNode result = api.awaitState(id, WAIT, "failed", "completed");

      assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("failed");
      assertThat(result.at("/error/code").asString()).isEqualTo("missing_output");
      assertThat(result.at("/error/message").asString())
          .contains("without the video output")
          .contains("it produced: image");
    }
  }

  @Test
  void a_model_whose_weights_no_server_has_waits_and_runs_once_a_server_comes_back_with_them() {
    FakeComfyUi lacking = new FakeComfyUi().withoutFiles("wan2.2_vae.safetensors");
    try (TestServer server = kino(lacking)) {
      Api api = server.api();
      await()
          .atMost(WAIT)
          .until(() -> !api.get("/v1/models/" + T2V).body().path("available").asBoolean(true));
      assertThat(api.get("/v1/models/" + T2V).text("unavailable_reason"))
          .contains("has no file wan2.2_vae.safetensors (node 39, VAELoader input vae_name)");

      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      JsonNode waiting = api.status(id).body();
      assertThat(waiting.path("status").asString()).isEqualTo("in_queue");
      assertThat(waiting.path("waiting_reason").asString()).contains("wan2.2_vae.safetensors");
      assertThat(lacking.prompts()).isEmpty();

      lacking.kill();
      try (FakeComfyUi complete = FakeComfyUi.onPortOf(lacking)) {
        JsonNode done = api.awaitState(id, WAIT, "completed", "failed");
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(api.get("/v1/models/" + T2V).body().path("available").asBoolean()).isTrue();
        assertThat(complete.prompts()).hasSize(1);
      }
    } finally {
      lacking.close();
    }
  }

  @Test
  void an_error_while_running_fails_the_request_with_the_nodes_message() {
    try (FakeComfyUi comfy = new FakeComfyUi().failNextRun("3");
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      api.awaitState(id, WAIT, "failed");

      JsonNode error = api.result(id).body().path("error");
      assertThat(error.path("code").asString()).isEqualTo("execution_error");
      assertThat(error.path("message").asString())
          .contains("node 3 (KSampler)")
          .contains("CUDA out of memory");
    }
  }

  @Test
  void a_server_that_dies_mid_job_loses_nothing_the_job_runs_again_on_another_server() {
    try (FakeComfyUi doomed =
            new FakeComfyUi().slowSteps(20, Duration.ofMillis(100)).crashDuringNextRun();
        FakeComfyUi spare = new FakeComfyUi().starting(true);
        TestServer server = kino(doomed, spare)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      await().atMost(WAIT).until(() -> !doomed.prompts().isEmpty());
      spare.starting(
          false); // the job is on the doomed server: from now on the spare takes work too

      api.awaitState(id, WAIT, "completed", "failed");

      JsonNode done = api.status(id).body();
      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(doomed.isAlive()).isFalse();
      assertThat(doomed.prompts()).hasSize(1);
      assertThat(spare.prompts()).as("run once more, elsewhere").hasSize(1);
      assertThat(done.path("attempt").asInt()).isEqualTo(2);
      assertThat(api.result(id).body().at("/metadata/engine/server").asString())
          .isEqualTo(spare.url());
    }
  }

  @Test
  void kino_restarting_mid_job_finds_the_running_prompt_instead_of_queueing_it_twice() {
    try (FakeComfyUi comfy = new FakeComfyUi().slowSteps(30, Duration.ofMillis(100));
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      await().atMost(WAIT).until(() -> api.status(id).body().path("progress").asDouble(0) > 0.1);

      server.restart();

      server.api().awaitState(id, WAIT, "completed", "failed");
      JsonNode done = server.api().status(id).body();
      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(comfy.prompts()).as("the prompt id was recorded before it was queued").hasSize(1);
      assertThat(done.path("logs").toString()).contains("resuming ComfyUI prompt");
    }
  }

  @Test
  void a_resumed_prompt_keeps_its_server_and_the_next_job_goes_to_another() {
    try (FakeComfyUi busy = new FakeComfyUi().slowSteps(30, Duration.ofMillis(100));
        FakeComfyUi spare = new FakeComfyUi().starting(true);
        TestServer server = kino(busy, spare)) {
      Api api = server.api();
      String first = api.submitOk(T2V, "{\"prompt\": \"first\"}");
      await().atMost(WAIT).until(() -> api.status(first).body().path("progress").asDouble(0) > 0.1);
      spare.starting(false);

      server.restart();
      Api again = server.api();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  again
                      .status(first)
                      .body()
                      .path("logs")
                      .toString()
                      .contains("resuming ComfyUI prompt"));
      String second = again.submitOk(T2V, "{\"prompt\": \"second\"}");

      assertThat(again.awaitState(first, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(again.awaitState(second, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(busy.prompts())
          .as("only the first job's prompt, never queued behind it")
          .hasSize(1);
      assertThat(spare.prompts()).hasSize(1);
      assertThat(again.result(second).body().at("/metadata/engine/server").asString())
          .isEqualTo(spare.url());
    }
  }

  @Test
  void a_dropped_websocket_is_followed_up_through_history() {
    try (FakeComfyUi comfy =
            new FakeComfyUi().slowSteps(8, Duration.ofMillis(50)).dropSocketsDuringNextRun();
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");

      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      assertThat(api.status(id).body().path("logs").toString())
          .contains("lost the ComfyUI websocket");
    }
  }

  @Test
  void a_running_request_can_be_cancelled_and_comfyui_is_told_to_stop() {
    try (FakeComfyUi comfy = new FakeComfyUi().slowSteps(200, Duration.ofMillis(50));
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String id = api.submitOk(T2V, "{\"prompt\": \"p\"}");
      await().atMost(WAIT).until(() -> api.status(id).body().path("progress").asDouble(0) > 0);

      Api.Answer cancel = api.cancel(id);

      assertThat(cancel.text("outcome")).isEqualTo("cancelled");
      assertThat(cancel.text("status")).isEqualTo("cancelled");
      assertThat(api.status(id).text("status")).isEqualTo("cancelled");
      await().atMost(WAIT).until(() -> comfy.queued() == 0);
    }
  }

  @Test
  void an_image_to_video_request_uploads_its_start_image_for_load_image() throws Exception {
    try (Images images = Images.serve();
        FakeComfyUi comfy = new FakeComfyUi();
        TestServer server = kino(comfy)) {
      Api api = server.api();
      String url = images.put("/start.png", Images.encode(Images.quadrants(320, 240), "png"));
      String id = api.submitOk(I2V, "{\"prompt\": \"p\", \"start_image_url\": \"" + url + "\"}");

      assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
          .isEqualTo("completed");
      String name = comfy.prompts().getFirst().at("/56/inputs/image").asString();
      assertThat(name).isEqualTo("kino-" + id + "-start_image_url.png");
      assertThat(Files.size(comfy.inputDir().resolve(name))).isPositive();
    }
  }

  @Test
  void three_servers_run_thirty_jobs_each_server_one_at_a_time() {
    try (FakeComfyUi a = new FakeComfyUi().slowSteps(2, Duration.ofMillis(20));
        FakeComfyUi b = new FakeComfyUi().slowSteps(2, Duration.ofMillis(20));
        FakeComfyUi c = new FakeComfyUi().slowSteps(2, Duration.ofMillis(20));
        TestServer server = kino(a, b, c)) {
      Api api = server.api();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        ids.add(api.submitOk(T2V, "{\"prompt\": \"clip " + i + "\"}"));
      }

      for (String id : ids) {
        assertThat(api.awaitState(id, WAIT, "completed", "failed").path("status").asString())
            .isEqualTo("completed");
      }
      assertThat(a.prompts().size() + b.prompts().size() + c.prompts().size()).isEqualTo(30);
      assertThat(List.of(a, b, c))
          .allSatisfy(
              s -> {
                assertThat(s.maxConcurrent()).isEqualTo(1);
                assertThat(s.prompts()).isNotEmpty();
              });
    }
  }
}
