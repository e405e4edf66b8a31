package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Outputs are moved into storage before the completion is recorded, so a crash in between leaves a
 * copy under the job's folder that no record names (the next attempt stores and records its own).
 * Deleting a request removes such copies too, and a restart sweeps (in the background) the ones
 * nobody deleted.
 */
class OutputCopiesTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String CLIP = "{\"prompt\": \"p\", \"duration\": 3, \"aspect_ratio\": \"1:1\"}";

  @Test
  void delete_removes_an_earlier_attempts_copy_along_with_the_output() throws Exception {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      String id = completed(api);
      Path leftover = plant(server, "jobs/" + id + "/0/video.mp4");
      long stored;
      try (var all = Files.walk(server.dataDir().resolve("files/jobs/" + id))) {
        stored = all.filter(Files::isRegularFile).count(); // the video, its poster, the copy
      }

      Api.Answer deleted = api.delete("/v1/requests/" + id);

      assertThat(deleted.status()).isEqualTo(200);
      assertThat(deleted.body().path("deleted_files").asLong()).isEqualTo(stored).isEqualTo(3);
      assertThat(leftover).doesNotExist();
      assertThat(server.dataDir().resolve("files/jobs/" + id)).doesNotExist();
    }
  }

  @Test
  void a_restart_sweeps_files_no_job_owns_and_keeps_every_recorded_output() throws Exception {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      String id = completed(api);
      String video = api.result(id).body().at("/output/video").asString();
      Path earlierAttempt = plant(server, "jobs/" + id + "/0/video.mp4");
      Path noSuchJob = plant(server, "jobs/" + UUID.randomUUID() + "/1/video.mp4");

      server.restart();

      // The sweep runs once, in the background, soon after start.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !Files.exists(earlierAttempt) && !Files.exists(noSuchJob));
      assertThat(earlierAttempt).doesNotExist();
      assertThat(noSuchJob).doesNotExist();
      assertThat(Api.download(video, null).statusCode())
          .as("the recorded output stays")
          .isEqualTo(200);
    }
  }

  private static String completed(Api api) {
    String id = api.submitOk(STD, CLIP);
    api.awaitState(id, Duration.ofSeconds(60), "completed");
    return id;
  }

  /** A file under a storage key, as a crash between storing and recording leaves one. */
  private static Path plant(TestServer server, String key) throws Exception {
    Path file = server.dataDir().resolve("files").resolve(key);
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
  }
}
