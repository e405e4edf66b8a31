package dev.kino.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A real server process is killed with SIGKILL while jobs are queued and one is running; after a
 * restart on the same data directory every accepted job still ends completed.
 */
class CrashRecoveryTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";

  @Test
  void kill_9_during_queued_and_running_jobs_loses_none_of_them() throws Exception {
    Path dataDir = Files.createTempDirectory("kino-crash-");
    List<String> ids = new ArrayList<>();

    try (KinoProcess first = KinoProcess.serve(dataDir, "--workers", "1")) {
      Api api = first.api(TestServer.ADMIN_KEY);
      for (int i = 0; i < 5; i++) {
        // The first runs long enough to be killed mid-render; the queued ones are short.
        ids.add(
            api.submitOk(
                STD,
                "{\"prompt\": \"crash test "
                    + i
                    + "\", \"duration\": "
                    + (i == 0 ? 8 : 3)
                    + ", \"aspect_ratio\": \"1:1\"}"));
      }
      api.awaitState(ids.getFirst(), Duration.ofSeconds(60), "in_progress");
      first.kill9();
    }
    // The first job was cut off mid-render; the rest were still queued.
    assertThat(ids).hasSize(5);

    try (KinoProcess second = KinoProcess.serve(dataDir, "--workers", "2")) {
      Api api = second.api(TestServer.ADMIN_KEY);
      for (String id : ids) {
        JsonNode result = api.awaitState(id, Duration.ofSeconds(180), "completed", "failed");
        assertThat(result.path("status").asString())
            .as(id + "\n" + second.output())
            .isEqualTo("completed");
      }
      JsonNode interrupted = api.result(ids.getFirst()).body();
      assertThat(interrupted.at("/metadata/attempt").asInt())
          .as("the killed run counts as an attempt")
          .isEqualTo(2);
      assertThat(second.output()).contains("were running when the server last stopped");
    }
  }

  @Test
  void a_second_server_on_the_same_data_directory_is_refused() throws Exception {
    Path dataDir = Files.createTempDirectory("kino-lock-");
    try (KinoProcess first = KinoProcess.serve(dataDir, "--workers", "0")) {
      KinoProcess.Result second =
          KinoProcess.run(
              "serve",
              "--data-dir",
              dataDir.toString(),
              "--port",
              Integer.toString(KinoProcess.freePort()));

      assertThat(second.exitCode()).as("first server's log:\n" + first.output()).isEqualTo(2);
      assertThat(second.stderr())
          .contains("another Kino server is already running on the data directory");
    }
  }
}
