package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import dev.kino.testing.WebhookReceiver;
import dev.kino.testing.WebhookReceiver.Call;
import dev.kino.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks end to end: a {@code webhook_url} on submit, a real receiver on loopback (allowed for
 * tests with --fetch-allow, as an operator would allow an internal receiver), signatures checked
 * with the Standard Webhooks project's own Java verifier.
 */
class WebhooksEndToEndTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final Duration WAIT = Duration.ofSeconds(60);

  /** Short retries so the schedule can be watched in a test: at once, 400 ms, 800 ms, 1.2 s. */
  static final List<Duration> QUICK =
      List.of(
          Duration.ZERO, Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(1200));

  @Test
  void a_completed_request_is_announced_once_with_a_signature_the_standard_verifier_accepts()
      throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        TestServer server = TestServer.start(s -> s.withWorkers(1))) {
      Api api = server.api();
      String id = api.submitOk(STD, clip(receiver.url("/hook"), false));
      api.awaitState(id, WAIT, "completed");
      Call call =
          await()
              .atMost(WAIT)
              .until(() -> receiver.calls("/hook"), calls -> !calls.isEmpty())
              .getFirst();

      Webhook verifier = new Webhook(api.get("/v1/webhooks/secret").text("secret"));
      verifier.verify(call.body(), call.headers());
      assertThat(call.header("webhook-id")).startsWith("msg_");
      assertThat(call.header("webhook-signature")).startsWith("v1,");
      assertThat(call.header("content-type")).startsWith("application/json");
      JsonNode body = JsonMapper.shared().readTree(call.body());
      assertThat(body.path("type").asString()).isEqualTo("request.completed");
      assertThat(body.path("data").path("request_id").asString()).isEqualTo(id);
      assertThat(body.path("data").path("status").asString()).isEqualTo("completed");
      assertThat(
              Api.download(body.path("data").path("output").path("video").asString(), null)
                  .statusCode())
          .isEqualTo(200);

      String tampered = call.body().replaceFirst("completed", "complete_");
      assertThatThrownBy(() -> verifier.verify(tampered, call.headers()))
          .isInstanceOf(WebhookVerificationException.class);
      Map<String, List<String>> otherId = new HashMap<>(call.headers());
      otherId.put("webhook-id", List.of(call.header("webhook-id") + "x"));
      assertThatThrownBy(() -> verifier.verify(call.body(), otherId))
          .isInstanceOf(WebhookVerificationException.class);
      // The outbox turns events into messages in the log's order: once a later request's message
      // exists, every event of this one has been seen, so any second message would exist too.
      String later = api.submitOk(STD, clip(receiver.url("/later"), false));
      api.cancel(later);
      await().atMost(WAIT).until(() -> !receiver.calls("/later").isEmpty());
      assertThat(receiver.calls("/hook")).as("exactly one message for the request").hasSize(1);

      JsonNode log = api.get("/v1/requests/" + id + "/webhooks").body();
      assertThat(log.path("webhooks")).hasSize(1);
      JsonNode delivery = log.path("webhooks").get(0);
      assertThat(delivery.path("webhook_id").asString()).isEqualTo(call.header("webhook-id"));
      assertThat(delivery.path("state").asString()).isEqualTo("delivered");
      assertThat(delivery.path("history").get(0).path("status_code").asInt()).isEqualTo(200);
    }
  }

  @Test
  void started_failed_and_cancelled_are_announced_too() {
    try (WebhookReceiver receiver = new WebhookReceiver();
        TestServer server = TestServer.start(s -> s.withWorkers(1))) {
      Api api = server.api();
      String ok = api.submitOk(STD, clip(receiver.url("/ok"), true));
      String broken =
          api.submitOk(
              I2V,
              "{\"prompt\": \"p\", \"duration\": 3, \"start_image_url\": \"http://127.0.0.1:1/nothing.png\","
                  + " \"webhook_url\": \""
                  + receiver.url("/broken")
                  + "\"}");
      api.awaitState(broken, WAIT, "failed");

      await()
          .atMost(WAIT)
          .until(() -> receiver.calls("/ok").size() == 2 && receiver.calls("/broken").size() == 1);
      // Messages are sent concurrently, so a fast job's two may arrive in either order; their
      // timestamps say which came first.
      assertThat(receiver.calls("/ok"))
          .extracting(c -> type(c))
          .containsExactlyInAnyOrder("request.started", "request.completed");
      assertThat(
              receiver.calls("/ok").stream()
                  .sorted(Comparator.comparing(c -> timestamp(c)))
                  .map(c -> type(c))
                  .toList())
          .containsExactly("request.started", "request.completed");
      JsonNode failed = JsonMapper.shared().readTree(receiver.calls("/broken").getFirst().body());
      assertThat(failed.path("type").asString()).isEqualTo("request.failed");
      assertThat(failed.path("data").path("error").path("code").asString())
          .isEqualTo("fetch_failed");
      assertThat(api.status(ok).text("status")).isEqualTo("completed");
    }
    try (WebhookReceiver receiver = new WebhookReceiver();
        TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String id = api.submitOk(STD, clip(receiver.url("/c"), true));
      api.cancel(id);
      await().atMost(WAIT).until(() -> receiver.calls("/c").size() == 1);
      assertThat(type(receiver.calls("/c").getFirst())).isEqualTo("request.cancelled");
    }
  }

  @Test
  void failed_deliveries_are_retried_on_the_schedule_with_the_same_webhook_id() {
    try (WebhookReceiver receiver = new WebhookReceiver().answer(Reply.of(500), Reply.of(502));
        TestServer server = TestServer.start(s -> s.withWorkers(0).withWebhookRetries(QUICK))) {
      Api api = server.api();
      String id = api.submitOk(STD, clip(receiver.url("/hook"), false));
      api.cancel(id);

      await().atMost(WAIT).until(() -> receiver.calls().size() == 3);
      List<Call> calls = receiver.calls();
      assertThat(calls)
          .extracting(c -> c.header("webhook-id"))
          .containsOnly(calls.getFirst().header("webhook-id"));
      assertThat(Duration.between(calls.get(0).at(), calls.get(1).at()))
          .isGreaterThanOrEqualTo(QUICK.get(1));
      assertThat(Duration.between(calls.get(1).at(), calls.get(2).at()))
          .isGreaterThanOrEqualTo(QUICK.get(2));
      JsonNode delivery =
          await()
              .atMost(WAIT)
              .until(() -> delivery(api, id), d -> d.path("state").asString().equals("delivered"));
      assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
      assertThat(delivery.path("history"))
          .extracting(h -> h.path("status_code").asInt())
          .containsExactly(500, 502, 200);
    }
  }

  @Test
  void gone_stops_retries_redirects_are_not_followed_and_retry_after_is_honoured()
      throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        TestServer server =
            TestServer.start(
                s ->
                    s.withWorkers(0)
                        .withWebhookRetries(
                            List.of(
                                Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(100))))) {
      Api api = server.api();
      receiver.answer(Reply.of(410));
      String gone = api.submitOk(STD, clip(receiver.url("/gone"), false));
      api.cancel(gone);
      await()
          .atMost(WAIT)
          .until(() -> delivery(api, gone).path("state").asString().equals("failed"));
      assertThat(delivery(api, gone).path("history"))
          .as("one attempt, and a failed delivery is never taken again")
          .hasSize(1);
      assertThat(receiver.calls("/gone")).hasSize(1);

      receiver.answer(new Reply(302, Map.of("Location", receiver.url("/elsewhere"))));
      String moved = api.submitOk(STD, clip(receiver.url("/moved"), false));
      api.cancel(moved);
      await()
          .atMost(WAIT)
          .until(() -> delivery(api, moved).path("state").asString().equals("delivered"));
      assertThat(receiver.calls("/moved")).hasSize(2);
      assertThat(receiver.calls("/elsewhere")).isEmpty();

      receiver.answer(new Reply(503, Map.of("Retry-After", "2")));
      String later = api.submitOk(STD, clip(receiver.url("/later"), false));
      api.cancel(later);
      await().atMost(WAIT).until(() -> receiver.calls("/later").size() == 2);
      List<Call> calls = receiver.calls("/later");
      assertThat(Duration.between(calls.get(0).at(), calls.get(1).at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }
  }

  @Test
  void a_restart_between_attempts_still_delivers_with_the_same_webhook_id() {
    try (WebhookReceiver receiver = new WebhookReceiver().answer(Reply.of(500));
        TestServer server =
            TestServer.start(
                s ->
                    s.withWorkers(0)
                        .withWebhookRetries(List.of(Duration.ZERO, Duration.ofSeconds(3))))) {
      Api api = server.api();
      String id = api.submitOk(STD, clip(receiver.url("/hook"), false));
      api.cancel(id);
      await().atMost(WAIT).until(() -> receiver.calls().size() == 1);

      server.restart();

      await().atMost(WAIT).until(() -> receiver.calls().size() == 2);
      assertThat(receiver.calls().get(1).header("webhook-id"))
          .isEqualTo(receiver.calls().get(0).header("webhook-id"));
      assertThat(
              await()
                  .atMost(WAIT)
                  .until(
                      () -> delivery(server.api(), id),
                      d -> d.path("state").asString().equals("delivered"))
                  .path("attempts")
                  .asInt())
          .isEqualTo(2);
    }
  }

  @Test
  void webhook_urls_pass_the_same_address_checks_as_inputs() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      for (String[] c :
          new String[][] {
            {"\"http://10.1.2.3/hook\"", "webhook_url", "url_forbidden"},
            {"\"https://169.254.169.254/latest\"", "webhook_url", "url_forbidden"},
            {"\"https://intranet.kino.test/hook\"", "webhook_url", "url_forbidden"},
            {"\"ftp://example.com/hook\"", "webhook_url", "url_forbidden"},
            {"42", "webhook_url", "type"}
          }) {
        Api.Answer answer = api.submit(STD, "{\"prompt\": \"p\", \"webhook_url\": " + c[0] + "}");
        assertThat(answer.status()).as(c[0]).isEqualTo(422);
        assertThat(answer.body().at("/detail/errors/0/path").asString()).isEqualTo(c[1]);
        assertThat(answer.body().at("/detail/errors/0/code").asString()).as(c[0]).isEqualTo(c[2]);
      }
      Api.Answer lonely = api.submit(STD, "{\"prompt\": \"p\", \"webhook_on_start\": true}");
      assertThat(lonely.status()).isEqualTo(422);
      assertThat(lonely.body().at("/detail/errors/0/path").asString())
          .isEqualTo("webhook_on_start");
    }
  }

  @Test
  void each_key_has_its_own_stable_signing_secret() {
    try (TestServer server = TestServer.start(0)) {
      String mine = server.api().get("/v1/webhooks/secret").text("secret");
      assertThat(mine).startsWith("whsec_");
      assertThat(server.api().get("/v1/webhooks/secret").text("secret")).isEqualTo(mine);
      assertThat(server.apiForNewKey("bob").get("/v1/webhooks/secret").text("secret"))
          .startsWith("whsec_")
          .isNotEqualTo(mine);
      assertThat(new Api(server.api().base(), null).get("/v1/webhooks/secret").status())
          .isEqualTo(401);
    }
  }

  private static String clip(String webhook, boolean onStart) {
    return "{\"prompt\": \"p\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false, \"webhook_url\": \""
        + webhook
        + "\""
        + (onStart ? ", \"webhook_on_start\": true" : "")
        + "}";
  }

  /** When the event the message announces happened (the body's timestamp, not the send time). */
  private static Instant timestamp(Call call) {
    return Instant.parse(JsonMapper.shared().readTree(call.body()).path("timestamp").asString());
  }

  private static String type(Call call) {
    return JsonMapper.shared().readTree(call.body()).path("type").asString();
  }

  private static JsonNode delivery(Api api, String id) {
    return api.get("/v1/requests/" + id + "/webhooks").body().path("webhooks").path(0);
  }
}
