package dev.kino.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kino.config.HttpSettings;
import dev.kino.testing.Api;
import dev.kino.testing.PrometheusText;
import dev.kino.testing.TestServer;
import dev.kino.testing.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} as a Prometheus server reads it: each scrape parsed by the Prometheus
 * project's own text-format parser, its counters moving as jobs are submitted, run, cancelled,
 * refused and announced by webhook.
 */
class MetricsEndToEndTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String CLIP =
      "{\"prompt\": \"counted\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String python;
  private TestServer server;
  private Api admin;

  @BeforeAll
  static void parser() {
    Optional<String> found = PrometheusText.parser();
    assumeTrue(
        found.isPresent(),
        "Prometheus' text-format parser is missing: install Debian's python3-prometheus-client"
            + " (.ci/run does)");
    python = found.get();
  }

  @BeforeEach
  void start() {
    server =
        TestServer.start(s -> s.withWorkers(1).withHttp(HttpSettings.DEFAULTS.withMetricsPort(0)));
    admin = server.api();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void counters_move_as_jobs_are_submitted_run_cancelled_refused_and_announced() throws Exception {
    PrometheusText before = scrape();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String done = admin.submitOk(STD, CLIP + "}");
      String announced =
          admin.submitOk(STD, CLIP + ", \"webhook_url\": \"" + receiver.url("/hook") + "\"}");
      String cancelled =
          admin.submitOk(STD, CLIP + ", \"duration\": 15}".replace("\"duration\": 3, ", ""));
      admin.cancel(cancelled);
      admin.awaitState(done, WAIT, "completed");
      admin.awaitState(announced, WAIT, "completed");
      admin.awaitState(cancelled, WAIT, "cancelled");
      await().atMost(WAIT).until(() -> !receiver.calls("/hook").isEmpty());
    }
    Api perMinute = userWith("{\"submits_per_minute\": 1}");
    assertThat(perMinute.submit(STD, CLIP + "}").status()).isEqualTo(200);
    assertThat(perMinute.submit(STD, CLIP + "}").status()).isEqualTo(429);
    Api elsewhere = userWith(null, "[\"nothing/*\"]");
    assertThat(elsewhere.submit(STD, CLIP + "}").status()).isEqualTo(403);

    PrometheusText after =
        await()
            .atMost(WAIT)
            .until(
                this::scrape,
                m ->
                    m.value("kino_webhook_deliveries_total", "outcome", "delivered")
                        > before.value("kino_webhook_deliveries_total", "outcome", "delivered"));

    String[] std = {"model", STD, "engine", "sandbox"};
    assertThat(moved(before, after, "kino_jobs_submitted_total", std)).isEqualTo(4);
    assertThat(moved(before, after, "kino_jobs_ended_total", with(std, "outcome", "completed")))
        .isGreaterThanOrEqualTo(2);
    assertThat(moved(before, after, "kino_jobs_ended_total", with(std, "outcome", "cancelled")))
        .isEqualTo(1);
    assertThat(moved(before, after, "kino_queue_wait_seconds_count", std))
        .isGreaterThanOrEqualTo(2);
    assertThat(
            moved(before, after, "kino_jobs_run_seconds_count", with(std, "outcome", "completed")))
        .isGreaterThanOrEqualTo(2);
    assertThat(moved(before, after, "kino_submits_refused_total", "limit", "submits_per_minute"))
        .isEqualTo(1);
    assertThat(moved(before, after, "kino_submits_refused_total", "limit", "models")).isEqualTo(1);
    assertThat(requests(before, after, "POST", "/v1/models/<model_id>", 429)).isEqualTo(1);
    assertThat(after.type("kino_queue_wait_seconds")).hasValue("histogram");
    assertThat(after.type("kino_jobs_submitted")).hasValue("counter");
    assertThat(after.value("kino_queue_depth", "model", "kling/kling-3.0/pro/text-to-video"))
        .as("every model has a queue gauge, 0 when none wait")
        .isZero();
    assertThat(after.samples())
        .filteredOn(s -> s.name().equals("kino_queue_oldest_age_seconds"))
        .isNotEmpty();
  }

  @Test
  void repeated_status_polls_answered_from_memory_are_counted_under_their_route() throws Exception {
    String id =
        server.api().submitOk(STD, CLIP + ", \"duration\": 15}".replace("\"duration\": 3, ", ""));
    PrometheusText before = scrape();
    for (int i = 0; i < 5; i++) {
      assertThat(admin.status(id).status()).isEqualTo(200);
    }
    PrometheusText after = scrape();
    assertThat(requests(before, after, "GET", "/v1/requests/{request_id}/status", 200))
        .isEqualTo(5);
  }

  @Test
  void the_api_serves_metrics_to_admin_keys_only_and_the_metrics_port_on_loopback_without_one()
      throws Exception {
    assertThat(get(server.port(), "/metrics", null).statusCode()).isEqualTo(401);
    Api user = userWith(null);
    assertThat(get(server.port(), "/metrics", user.key()).statusCode()).isEqualTo(403);
    HttpResponse<String> viaApi = get(server.port(), "/metrics", TestServer.ADMIN_KEY);
    assertThat(viaApi.statusCode()).isEqualTo(200);
    assertThat(viaApi.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/plain; version=0.0.4");

    HttpResponse<String> viaPort = get(server.metricsPort(), "/metrics", null);
    assertThat(viaPort.statusCode()).isEqualTo(200);
    assertThat(PrometheusText.parse(python, viaPort.body()).type("kino_queue_depth"))
        .hasValue("gauge");
    assertThat(get(server.metricsPort(), "/v1/models", null).statusCode())
        .as("nothing but /metrics there")
        .isEqualTo(404);
  }

  private PrometheusText scrape() throws Exception {
    HttpResponse<String> answer = get(server.port(), "/metrics", TestServer.ADMIN_KEY);
    assertThat(answer.statusCode()).isEqualTo(200);
    return PrometheusText.parse(python, answer.body());
  }

  private static double moved(
      PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  /** How many more requests of this route and status the second scrape counts. */
  private static double requests(
      PrometheusText before, PrometheusText after, String method, String route, int status) {
    String[] labels = {"method", method, "route", route, "status", Integer.toString(status)};
    return moved(before, after, "kino_http_requests_seconds_count", labels);
  }

  private static String[] with(String[] labels, String... more) {
    String[] all = new String[labels.length + more.length];
    System.arraycopy(labels, 0, all, 0, labels.length);
    System.arraycopy(more, 0, all, labels.length, more.length);
    return all;
  }

  private Api userWith(String limits) {
    return userWith(limits, null);
  }

  private Api userWith(String limits, String models) {
    String body =
        "{\"name\": \"counted\""
            + (limits == null ? "" : ", \"limits\": " + limits)
            + (models == null ? "" : ", \"models\": " + models)
            + "}";
    Api.Answer made = admin.post("/v1/keys", body);
    assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
    return server.api(made.text("secret"));
  }

  private static HttpResponse<String> get(int port, String path, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
