package dev.kino.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Keys take turns for the workers: with one worker, a key that queued a hundred jobs first does not
 * make a key that queues five after it wait behind all of them. (Each order of claims, also on
 * PostgreSQL, is specified in the job store contract; this is the same seen over HTTP.)
 */
class FairQueueEndToEndTest {
  static final String MODEL = "kling/kling-3.0/standard/text-to-video";

  @Test
  void each_job_of_a_key_that_queued_later_starts_after_at_most_one_job_of_the_busy_key() {
    try (TestServer server = TestServer.start(s -> s.withWorkers(1))) {
      Api heavy = server.api(server.api().post("/v1/keys", "{\"name\": \"heavy\"}").text("secret"));
      Api light = server.api(server.api().post("/v1/keys", "{\"name\": \"light\"}").text("secret"));
      List<String> heavyJobs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        heavyJobs.add(heavy.submitOk(MODEL, body("heavy " + i)));
      }
      List<String> lightJobs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        lightJobs.add(light.submitOk(MODEL, body("light " + i)));
      }

      List<Instant> lightStarts = new ArrayList<>();
      for (String id : lightJobs) {
        JsonNode done = light.awaitState(id, Duration.ofMinutes(3), "completed", "failed");
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
        lightStarts.add(Instant.parse(light.status(id).text("started_at")));
      }
      Instant lightQueued = Instant.parse(light.status(lightJobs.getFirst()).text("created_at"));
      List<Instant> heavyStarts = new ArrayList<>();
      for (String id : heavyJobs) {
        String started = heavy.status(id).body().path("started_at").asString("");
        if (!started.isEmpty()) {
          heavyStarts.add(Instant.parse(started));
        }
      }

      Instant from = lightQueued;
      for (Instant lightStart : lightStarts) {
        Instant since = from;
        long heavyBetween =
            heavyStarts.stream().filter(s -> s.isAfter(since) && s.isBefore(lightStart)).count();
        assertThat(heavyBetween)
            .as("the busy key's starts before the light key's next (two keys with work)")
            .isLessThanOrEqualTo(1);
        from = lightStart;
      }
      assertThat(heavyStarts.size()).as("most of the busy key's jobs still wait").isLessThan(50);
    }
  }

  private static String body(String prompt) {
    return "{\"prompt\": \""
        + prompt
        + "\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";
  }
}
