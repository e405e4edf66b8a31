package dev.kino.engines.upstream;

import static org.awaitility.Awaitility.await;

import dev.kino.testing.Api;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A Kino process killed with SIGKILL while its job runs at a provider, then started again on the
 * same data.
 */
final class KilledMidJob {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private KilledMidJob() {}

  /**
   * Submits {@code body} to {@code model} on a Kino process serving {@code modelsDir} with {@code
   * env}, kills it once the job's task is started upstream, starts another on the same data
   * directory and port, and returns the job's status once it has ended (with its log lines).
   */
  static JsonNode run(Map<String, String> env, Path modelsDir, String model, String body)
      throws IOException, InterruptedException {
    Path dataDir = Files.createTempDirectory("kino-upstream-crash-");
    String[] flags = {"--models-dir", modelsDir.toString(), "--fetch-allow", "127.0.0.1"};
    String id;
    try (KinoProcess first = KinoProcess.serveWith(env, dataDir, flags)) {
      Api api = first.api(TestServer.ADMIN_KEY);
      id = api.submitOk(model, body);
      await()
          .atMost(WAIT)
          .until(() -> api.status(id).body().path("logs").toString().contains("submitted to"));
      first.kill9();
    }
    try (KinoProcess second = KinoProcess.serveWith(env, dataDir, flags)) {
      Api api = second.api(TestServer.ADMIN_KEY);
      api.awaitState(id, WAIT, "completed", "failed");
      JsonNode status = api.status(id).body();
      if (!status.path("status").asString().equals("completed")) {
        throw new AssertionError(
            "the job did not complete after the restart: " + status + "\n" + second.output());
      }
      return status;
    }
  }
}
