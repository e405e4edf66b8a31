package dev.kino.cli.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.media.MediaInfo;
import dev.kino.media.MediaProbe;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.KinoProcess.Result;
import dev.kino.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The user commands as a user runs them: {@code kino ...} as its own process (not a terminal:
 * stdout and stderr go to files) against a real Kino server on loopback.
 */
class CliEndToEndTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";

  @Test
  void run_with_output_waits_shows_progress_lines_and_saves_a_playable_video(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(1)) {
      Path video = dir.resolve("clips/kite.mp4");

      Result run =
          cli(
              server,
              "run",
              STD,
              "--prompt",
              "a red kite over dunes",
              "--duration",
              "3",
              "--aspect-ratio",
              "9:16",
              "--sound",
              "false",
              "-o",
              video.toString());

      assertThat(run.exitCode()).as(run.stderr()).isZero();
      MediaInfo info = MediaProbe.probe(video);
      assertThat(info.width()).isEqualTo(720);
      assertThat(info.height()).isEqualTo(1280);
      assertThat(info.durationSeconds()).isBetween(2.9, 3.1);
      assertThat(info.hasAudio()).isFalse();
      assertThat(run.stdout())
          .contains("completed")
          .containsPattern("video: http://127\\.0\\.0\\.1:\\d+/files/");
      // Not a terminal: plain lines, in order, and no carriage returns redrawing a bar.
      assertThat(run.stderr())
          .doesNotContain("\r")
          .contains("status: in_queue")
          .contains("status: in_progress")
          .contains("status: completed")
          .contains("log: plan: 1 shot")
          .contains("saved " + video);
      assertThat(run.stderr().indexOf("status: in_progress"))
          .isLessThan(run.stderr().indexOf("status: completed"));
    }
  }

  @Test
  void an_invalid_flag_value_exits_2_with_the_schemas_message_and_queues_nothing() {
    try (TestServer server = TestServer.start(0)) {
      Result tooLong = cli(server, "run", STD, "--prompt", "p", "--duration", "99");
      Result badEnum = cli(server, "run", STD, "--prompt", "p", "--aspect-ratio", "4:3");
      Result notANumber = cli(server, "run", STD, "--prompt", "p", "--duration", "ten");
      Result unknownFlag = cli(server, "run", STD, "--prompt", "p", "--durration", "5");

      assertThat(tooLong.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(tooLong.stderr()).contains("--duration: must have a maximum value of 15");
      assertThat(badEnum.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(badEnum.stderr()).contains("--aspect-ratio:").contains("16:9");
      assertThat(notANumber.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(notANumber.stderr()).contains("'ten'");
      assertThat(unknownFlag.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(unknownFlag.stderr()).contains("--durration");
      assertThat(server.api().get("/v1/requests").body().path("requests")).isEmpty();
    }
  }

  @Test
  void fields_come_from_input_files_set_and_flags_in_that_order_of_precedence(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(0)) {
      Path body = dir.resolve("body.json");
      Files.writeString(
          body, "{\"prompt\": \"from the file\", \"duration\": 4, \"negative_prompt\": \"fog\"}");

      Result run =
          cli(
              server,
              "run",
              STD,
              "--input",
              body.toString(),
              "--set",
              "duration=6",
              "--set",
              "seed=42",
              "--prompt",
              "from a flag",
              "--json");

      assertThat(run.exitCode()).as(run.stderr()).isZero();
      String id = JsonMapper.shared().readTree(run.stdout()).path("request_id").asString();
      JsonNode input = server.api().result(id).body().path("metadata").path("input");
      assertThat(input.path("prompt").asString()).isEqualTo("from a flag");
      assertThat(input.path("duration").asInt()).isEqualTo(6);
      assertThat(input.path("seed").asLong()).isEqualTo(42);
      assertThat(input.path("negative_prompt").asString()).isEqualTo("fog");
    }
  }

  @Test
  void cancel_ends_a_waiting_run_with_exit_code_4_and_status_and_result_say_so() {
    try (TestServer server = TestServer.start(0)) {
      String id = cli(server, "run", STD, "--prompt", "never runs").stdout().strip();
      KinoProcess waiting =
          KinoProcess.launch(env(server), "run", STD, "--prompt", "waits", "--wait");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> server.api().get("/v1/requests").body().path("requests").size() == 2);
      String waitingId =
          server
              .api()
              .get("/v1/requests?limit=1")
              .body()
              .path("requests")
              .get(0)
              .path("request_id")
              .asString();

      Result cancelled = cli(server, "cancel", waitingId);
      Result ended = waiting.await(Duration.ofSeconds(60));

      assertThat(cancelled.exitCode()).isZero();
      assertThat(cancelled.stdout()).contains("cancelled");
      assertThat(ended.exitCode()).as(ended.stderr()).isEqualTo(ExitCodes.CANCELLED);
      assertThat(ended.stdout()).contains(waitingId + "  cancelled");
      assertThat(cli(server, "status", id).stdout())
          .contains(id + "  in_queue  (0 requests ahead)");
      assertThat(cli(server, "result", id).exitCode()).isEqualTo(ExitCodes.NOT_FINISHED);
      assertThat(cli(server, "cancel", waitingId).exitCode()).isEqualTo(ExitCodes.NOT_CANCELLABLE);
    }
  }

  @Test
  void models_and_requests_print_tables_or_json() throws Exception {
    try (TestServer server = TestServer.start(0)) {
      String id = cli(server, "run", STD, "--prompt", "listed").stdout().strip();

      assertThat(cli(server, "models").stdout())
          .contains("MODEL")
          .contains(STD)
          .contains("kling/kling-3.0/standard/image-to-video");
      Result show = cli(server, "models", "show", STD);
      assertThat(show.stdout())
          .contains("--aspect-ratio")
          .contains("16:9 | 9:16 | 1:1")
          .contains("<= 15");
      JsonNode models = JsonMapper.shared().readTree(cli(server, "models", "--json").stdout());
      assertThat(models).hasSize(3);
      assertThat(cli(server, "requests").stdout()).contains(id).contains("in_queue");
      JsonNode page =
          JsonMapper.shared()
              .readTree(cli(server, "requests", "--json", "--status", "in_queue").stdout());
      assertThat(page.path("requests").get(0).path("request_id").asString()).isEqualTo(id);
      assertThat(cli(server, "run", STD, "--help").stdout())
          .contains("--negative-prompt")
          .contains("--cfg-scale");
    }
  }

  @Test
  void usage_prints_what_completed_jobs_cost_by_model() {
    try (TestServer server = TestServer.start(1)) {
      String id =
          cli(server, "run", STD, "--prompt", "priced", "--duration", "5", "--sound", "false")
              .stdout()
              .strip();
      server.api().awaitState(id, java.time.Duration.ofMinutes(2), "completed");

      Result usage = cli(server, "usage");
      assertThat(usage.exitCode()).as(usage.stderr()).isZero();
      assertThat(usage.stdout()).contains("COST_USD").contains(STD).contains("0.42");
      JsonNode byDay =
          JsonMapper.shared()
              .readTree(cli(server, "usage", "--group-by", "day", "--json").stdout());
      assertThat(byDay.path("usage").get(0).path("video_seconds").asDouble()).isEqualTo(5.0);
    }
  }

  @Test
  void wrong_key_unknown_request_and_unreachable_server_have_their_own_exit_codes() {
    try (TestServer server = TestServer.start(0)) {
      Map<String, String> wrongKey =
          Map.of("KINO_URL", server.api().base(), "KINO_API_KEY", "not-a-key-0123456789");
      assertThat(KinoProcess.runWith(wrongKey, "models").exitCode())
          .isEqualTo(ExitCodes.UNAUTHORIZED);
      assertThat(cli(server, "status", "00000000-0000-0000-0000-000000000000").exitCode())
          .isEqualTo(ExitCodes.NOT_FOUND);
      assertThat(cli(server, "run", "no/such/model", "--prompt", "p").exitCode())
          .isEqualTo(ExitCodes.NOT_FOUND);
    }
    Map<String, String> nobody =
        Map.of(
            "KINO_URL",
            "http://127.0.0.1:" + KinoProcess.freePort(),
            "KINO_API_KEY",
            TestServer.ADMIN_KEY);
    Result unreachable = KinoProcess.runWith(nobody, "models");
    assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(unreachable.stderr()).contains("cannot reach");
  }

  @Test
  void completion_prints_a_bash_script_for_every_command() {
    Result completion = KinoProcess.runWith(Map.of(), "completion");
    assertThat(completion.exitCode()).isZero();
    assertThat(completion.stdout())
        .contains("complete -F")
        .contains("run")
        .contains("requests")
        .contains("status")
        .contains("cancel");
  }

  private static Result cli(TestServer server, String... args) {
    return KinoProcess.runWith(env(server), args);
  }

  private static Map<String, String> env(TestServer server) {
    return Map.of("KINO_URL", server.api().base(), "KINO_API_KEY", TestServer.ADMIN_KEY);
  }
}
