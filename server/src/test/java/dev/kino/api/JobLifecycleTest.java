package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.EventStream;
import dev.kino.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The states of a job as a client sees them, and what cancel does in each. */
class JobLifecycleTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final String SHORT =
      "{\"prompt\": \"a short test clip\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";

  @Test
  void submit_answers_with_the_request_id_and_absolute_urls() {
    try (TestServer server = TestServer.start(0)) {
      Api.Answer answer = server.api().submit(STD, SHORT);

      assertThat(answer.status()).isEqualTo(200);
      String id = answer.text("request_id");
      String base = server.api().base();
      assertThat(answer.text("status_url")).isEqualTo(base + "/v1/requests/" + id + "/status");
      assertThat(answer.text("result_url")).isEqualTo(base + "/v1/requests/" + id + "/result");
      assertThat(answer.text("cancel_url")).isEqualTo(base + "/v1/requests/" + id + "/cancel");
    }
  }

  @Test
  void queued_jobs_report_their_position_in_submission_order() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String first = api.submitOk(STD, SHORT);
      String second = api.submitOk(STD, SHORT);
      String third = api.submitOk(STD, SHORT);

      assertThat(api.status(first).body().path("queue_position").asInt()).isZero();
      assertThat(api.status(second).body().path("queue_position").asInt()).isEqualTo(1);
      assertThat(api.status(third).body().path("queue_position").asInt()).isEqualTo(2);

      api.cancel(first);
      assertThat(api.status(third).body().path("queue_position").asInt()).isEqualTo(1);
    }
  }

  @Test
  void the_result_of_an_unfinished_job_carries_its_status_so_clients_keep_polling() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String id = api.submitOk(STD, SHORT);

      Api.Answer result = api.result(id);

      assertThat(result.status()).isEqualTo(200);
      assertThat(result.text("status")).isEqualTo("in_queue");
      assertThat(result.body().path("output").isNull()).isTrue();
      assertThat(result.body().path("error").isNull()).isTrue();
      assertThat(result.text("created_at")).isNotBlank();
    }
  }

  @Test
  void a_queued_job_is_cancelled_and_stays_cancelled() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String id = api.submitOk(STD, SHORT);

      Api.Answer cancel = api.cancel(id);

      assertThat(cancel.status()).isEqualTo(200);
      assertThat(cancel.text("outcome")).isEqualTo("cancelled");
      assertThat(cancel.text("status")).isEqualTo("cancelled");
      assertThat(api.status(id).text("status")).isEqualTo("cancelled");
      assertThat(api.status(id).text("finished_at")).isNotBlank();
      assertThat(api.cancel(id).text("outcome")).isEqualTo("not_cancellable");
    }
  }

  @Test
  void a_running_job_is_not_cancellable_and_goes_on_to_complete() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      // 15 s of 1080p renders for several seconds: ample time to see it running and ask to cancel
      // it.
      String id =
          api.submitOk(
              "kling/kling-3.0/pro/text-to-video",
              "{\"prompt\": \"long enough to catch running\", \"duration\": 15, \"sound\": false}");
      api.awaitState(id, Duration.ofSeconds(30), "in_progress");

      Api.Answer cancel = api.cancel(id);

      assertThat(cancel.text("outcome")).isEqualTo("not_cancellable");
      assertThat(cancel.text("status")).isEqualTo("in_progress");
      JsonNode result = api.awaitState(id, Duration.ofSeconds(120), "completed", "failed");
      assertThat(result.path("status").asString()).isEqualTo("completed");
    }
  }

  @Test
  void a_job_moves_from_in_queue_through_in_progress_to_completed_with_progress_and_timestamps() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      // 15 s of 1080p takes several seconds to render, many heartbeats (1 s) long; a slower machine
      // only
      // widens the window in which progress is visible.
      String id =
          api.submitOk(
              "kling/kling-3.0/pro/text-to-video",
              "{\"prompt\": \"watch me render\", \"duration\": 15, \"sound\": false}");

      JsonNode running = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode status = api.status(id).body();
        if (status.path("status").asString().equals("in_progress") && status.has("progress")) {
          running = status;
          break;
        }
        if (status.path("status").asString().equals("completed")) {
          break;
        }
      }
      JsonNode result = api.awaitState(id, Duration.ofSeconds(120), "completed", "failed");

      assertThat(running).as("saw the job running with progress").isNotNull();
      assertThat(running.path("progress").asDouble()).isBetween(0.0, 1.0);
      assertThat(running.path("started_at").asString()).isNotBlank();
      assertThat(result.path("status").asString()).isEqualTo("completed");
      assertThat(result.path("error").isNull()).isTrue();
      assertThat(result.at("/output/video").asString()).startsWith(api.base() + "/files/");
      assertThat(result.at("/output/videos/0").asString())
          .isEqualTo(result.at("/output/video").asString());
      assertThat(result.path("finished_at").asString()).isNotBlank();
      assertThat(result.at("/metadata/model_id").asString())
          .isEqualTo("kling/kling-3.0/pro/text-to-video");
      assertThat(result.at("/metadata/timings/run_ms").asLong()).isPositive();
      assertThat(api.cancel(id).text("outcome")).isEqualTo("not_cancellable");
    }
  }

  @Test
  void a_job_whose_input_cannot_be_fetched_fails_with_the_reason() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      // Loopback is allowed in tests, and nothing listens on port 9 there: the fetch itself fails.
      String id =
          api.submitOk(
              I2V,
              "{\"prompt\": \"p\", \"start_image_url\": \"http://127.0.0.1:9/missing.png\", \"duration\": 3}");

      JsonNode result = api.awaitState(id, Duration.ofSeconds(30), "completed", "failed");

      assertThat(result.path("status").asString()).isEqualTo("failed");
      assertThat(result.at("/error/code").asString()).isEqualTo("fetch_failed");
      assertThat(result.at("/error/message").asString()).contains("start_image_url");
      assertThat(result.path("output").isNull()).isTrue();
      assertThat(api.cancel(id).text("outcome")).isEqualTo("not_cancellable");
    }
  }

  @Test
  void an_orderly_stop_puts_a_running_job_back_in_the_queue_without_spending_an_attempt() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      String id =
          api.submitOk(STD, "{\"prompt\": \"interrupted\", \"duration\": 10, \"sound\": false}");
      api.awaitState(id, Duration.ofSeconds(60), "in_progress");

      server.restart(); // well within the render's seconds

      JsonNode result = server.api().awaitState(id, Duration.ofSeconds(120), "completed", "failed");
      assertThat(result.path("status").asString()).isEqualTo("completed");
      assertThat(result.at("/metadata/attempt").asInt()).isEqualTo(1);
      try (EventStream events =
          EventStream.open(
              server.api().status(id).body().path("events_url").asString(),
              server.api().key(),
              null)) {
        assertThat(
                events.readToEnd().stream()
                    .filter(e -> e.type().equals("status"))
                    .map(EventStream.Event::status))
            .as("the stop ended the run (it did not finish it while the node closed)")
            .containsExactly("in_queue", "in_progress", "in_queue", "in_progress", "completed");
      }
    }
  }

  @Test
  void returned_urls_use_the_public_url_when_one_is_configured() {
    try (TestServer server =
        TestServer.start(
            s ->
                s.withWorkers(0).withPublicUrl(java.net.URI.create("https://kino.example.com/")))) {
      Api.Answer answer = server.api().submit(STD, SHORT);

      assertThat(answer.text("status_url"))
          .isEqualTo(
              "https://kino.example.com/v1/requests/" + answer.text("request_id") + "/status");
    }
  }

  @Test
  void an_unknown_request_id_is_a_404_and_a_malformed_one_a_400() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();

      assertThat(api.status("6f1c2d4e-0000-4000-8000-000000000000").status()).isEqualTo(404);
      assertThat(
              api.status("6f1c2d4e-0000-4000-8000-000000000000").body().path("error_code").asInt())
          .isEqualTo(404001);
      assertThat(api.status("not-an-id").status()).isEqualTo(400);
      assertThat(api.status("not-an-id").body().path("error_code").asInt()).isEqualTo(400001);
    }
  }
}
