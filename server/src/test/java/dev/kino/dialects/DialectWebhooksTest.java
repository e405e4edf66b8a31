package dev.kino.dialects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import dev.kino.testing.WebhookReceiver;
import dev.kino.testing.WebhookReceiver.Call;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks asked for in a dialect come in that dialect's shape (fal's payload for {@code
 * fal_webhook=}, Replicate's prediction for {@code webhook} with its events filter), signed as
 * Standard Webhooks like Kino's own.
 */
class DialectWebhooksTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String CLIP =
      "\"prompt\": \"announced\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false";
  static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void fal_webhook_gets_fals_payload_when_the_request_ends() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        TestServer server = TestServer.start(s -> s.withWorkers(1))) {
      Api api = server.api();
      Api.Answer submitted =
          api.post("/fal/queue/" + T2V + "?fal_webhook=" + receiver.url("/fal"), "{" + CLIP + "}");
      assertThat(submitted.status()).isEqualTo(200);
      String id = submitted.text("request_id");
      List<Call> calls =
          await().atMost(WAIT).until(() -> receiver.calls("/fal"), c -> !c.isEmpty());

      verify(api, calls.getFirst());
      JsonNode body = JsonMapper.shared().readTree(calls.getFirst().body());
      assertThat(body.path("request_id").asString()).isEqualTo(id);
      assertThat(body.path("status").asString()).isEqualTo("OK");
      assertThat(body.at("/payload/video/url").asString()).contains("/files/");
      assertThat(body.at("/payload/video/content_type").asString()).isEqualTo("video/mp4");
      Thread.sleep(500);
      assertThat(receiver.calls("/fal")).as("once, at the end").hasSize(1);
    }
  }

  @Test
  void a_replicate_webhook_gets_the_prediction_at_the_start_and_the_end_as_filtered()
      throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        TestServer server = TestServer.start(s -> s.withWorkers(1))) {
      Api api = server.api();
      Api.Answer created =
          api.post(
              "/replicate/v1/models/kling/kling-3.0-standard-text-to-video/predictions",
              "{\"input\": {"
                  + CLIP
                  + "}, \"webhook\": \""
                  + receiver.url("/replicate")
                  + "\", \"webhook_events_filter\": [\"start\", \"completed\"]}");
      assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
      assertThat(created.body().at("/input/webhook_url").isMissingNode())
          .as("the webhook is not part of the model's input")
          .isTrue();
      List<Call> calls =
          await().atMost(WAIT).until(() -> receiver.calls("/replicate"), c -> c.size() >= 2);

      calls.forEach(call -> verify(api, call));
      JsonNode start = JsonMapper.shared().readTree(calls.get(0).body());
      JsonNode end = JsonMapper.shared().readTree(calls.get(1).body());
      assertThat(start.path("id").asString()).isEqualTo(created.text("id"));
      assertThat(start.path("status").asString()).isEqualTo("processing");
      assertThat(start.path("output").isNull()).isTrue();
      assertThat(end.path("status").asString()).isEqualTo("succeeded");
      assertThat(end.path("output").asString()).contains("/files/");

      Api.Answer refused =
          api.post(
              "/replicate/v1/models/kling/kling-3.0-standard-text-to-video/predictions",
              "{\"input\": {"
                  + CLIP
                  + "}, \"webhook\": \""
                  + receiver.url("/x")
                  + "\", \"webhook_events_filter\": [\"sometimes\"]}");
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.body().at("/invalid_fields/0/field").asString())
          .isEqualTo("webhook_events_filter");
    }
  }

  private static void verify(Api api, Call call) {
    try {
      new Webhook(api.get("/v1/webhooks/secret").text("secret"))
          .verify(call.body(), call.headers());
    } catch (Exception e) {
      throw new AssertionError("the signature does not verify", e);
    }
  }
}
