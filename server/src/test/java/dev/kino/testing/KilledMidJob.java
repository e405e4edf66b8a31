package dev.kino.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Kino process killed with SIGKILL while its job runs at a provider, then started again on the
 * same data.
 */
public final class KilledMidJob {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private KilledMidJob() {}

  /**
   * Submits {@code body} to {@code model} on a Kino process serving {@code modelsDir} with {@code
   * env}, kills it once the job's task is started upstream, starts another on the same data
   * directory and port, and returns the job's status once it has ended (with its log lines).
   */
  public static JsonNode run(Map<String, String> env, Path modelsDir, String model, String body)
      throws IOException, InterruptedException {
    JsonNode status = run(env, modelsDir, modelsDir, model, body);
    if (!status.path("status").asString().equals("completed")) {
      throw new AssertionError("the job did not complete after the restart: " + status);
    }
    return status;
  }

  /**
   * As {@link #run(Map, Path, String, String)}, the second process serving {@code thenModelsDir}
   * (the definitions changed while Kino was down); the status whatever the job's end, with its
   * result as {@code result}.
   */
  public static JsonNode run(
      Map<String, String> env, Path modelsDir, Path thenModelsDir, String model, String body)
      throws IOException, InterruptedException {
    Path dataDir = Files.createTempDirectory("kino-upstream-crash-");
    String id;
    try (KinoProcess first = KinoProcess.serveWith(env, dataDir, flags(modelsDir))) {
      Api api = first.api(TestServer.ADMIN_KEY);
      id = api.submitOk(model, body);
      await()
          .atMost(WAIT)
          .until(() -> api.status(id).body().path("logs").toString().contains("submitted to"));
      first.kill9();
    }
    try (KinoProcess second = KinoProcess.serveWith(env, dataDir, flags(thenModelsDir))) {
      Api api = second.api(TestServer.ADMIN_KEY);
      api.awaitState(id, WAIT, "completed", "failed");
      ObjectNode status = (ObjectNode) api.status(id).body();
      if (!status.path("status").asString().equals("completed")) {
        System.err.println(second.output());
      }
      return status.set("result", api.result(id).body());
    }
  }

  private static String[] flags(Path modelsDir) {
    return new String[] {"--models-dir", modelsDir.toString(), "--fetch-allow", "127.0.0.1"};
  }
}
