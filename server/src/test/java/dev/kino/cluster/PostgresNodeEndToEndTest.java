package dev.kino.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kino.config.Role;
import dev.kino.testing.Api;
import dev.kino.testing.EventStream;
import dev.kino.testing.Images;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.PostgresServer;
import dev.kino.testing.TestServer;
import dev.kino.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Kino node on PostgreSQL ({@code --database postgresql://...}) instead of its embedded SQLite,
 * driven through its HTTP API: every record it keeps (jobs and their events, idempotency keys,
 * uploads, webhook messages) lives in the server, and a node started again on a fresh data
 * directory finds them there.
 */
class PostgresNodeEndToEndTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void a_node_on_postgresql_serves_the_whole_api_and_keeps_its_records_there() {
    String database = PostgresServer.shared().newDatabase();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String id;
      try (TestServer node = TestServer.start(s -> s.withWorkers(1).withDatabase(database))) {
        Api api = node.api();
        String upload =
            api.uploadMultipart("start.png", Images.encode(Images.quadrants(64, 64), "png"))
                .body()
                .path("url")
                .asString();
        assertThat(upload).isNotBlank();
        String body =
            "{\"prompt\": \"a lantern\", \"duration\": 3, \"webhook_url\": \""
                + receiver.url("/hook")
                + "\"}";
        Api.Answer first =
            api.postWithHeaders("/v1/models/" + T2V, body, "Idempotency-Key", "pg-1");
        Api.Answer replay =
            api.postWithHeaders("/v1/models/" + T2V, body, "Idempotency-Key", "pg-1");
        id = first.body().path("request_id").asString();
        assertThat(replay.body().path("request_id").asString())
            .as("the key is kept in PostgreSQL")
            .isEqualTo(id);

        JsonNode done = api.awaitState(id, WAIT, "completed", "failed");

        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(Api.downloadToFile(api.result(id).body().at("/output/video").asString()))
            .isNotEmptyFile();
        List<String> statuses;
        try (EventStream events =
            EventStream.open(
                api.status(id).body().path("events_url").asString(), api.key(), null)) {
          statuses =
              events.readToEnd().stream()
                  .filter(e -> e.type().equals("status"))
                  .map(EventStream.Event::status)
                  .toList();
        }
        assertThat(statuses).containsExactly("in_queue", "in_progress", "completed");
        await().atMost(WAIT).until(() -> receiver.calls("/hook").size() >= 1);
      }

      try (TestServer another = TestServer.start(s -> s.withWorkers(0).withDatabase(database))) {
        JsonNode status = another.api().status(id).body();
        assertThat(status.path("status").asString())
            .as("a node with another data directory finds the job")
            .isEqualTo("completed");
        assertThat(another.api().get("/v1/requests").body().path("requests").size()).isEqualTo(1);
      }
    }
  }

  @Test
  void a_database_url_that_cannot_be_reached_stops_start_up_with_a_clear_message() {
    int closedPort = KinoProcess.freePort();
    assertThatThrownBy(
            () ->
                TestServer.start(
                    s ->
                        s.withWorkers(0)
                            .withDatabase(
                                "postgresql://kino:secret-pw@127.0.0.1:" + closedPort + "/kino")))
        .hasMessageContaining("cannot open the PostgreSQL database given with --database")
        .hasMessageNotContaining("secret-pw");
  }

  @Test
  void
      an_api_node_takes_the_request_and_a_worker_node_runs_it_while_the_client_watches_the_api_node() {
    String database = PostgresServer.shared().newDatabase();
    try (TestServer api = TestServer.start(s -> s.withDatabase(database).withRole(Role.API));
        TestServer worker =
            TestServer.start(s -> s.withDatabase(database).withRole(Role.WORKERS).withWorkers(1))) {
      assertThat(worker.port()).as("a worker opens no port").isEqualTo(-1);
      Api client = api.api();
      String id = client.submitOk(T2V, "{\"prompt\": \"a kite\", \"duration\": 3}");

      List<String> statuses;
      long started = System.nanoTime();
      try (EventStream events =
          EventStream.open(
              client.status(id).body().path("events_url").asString(), client.key(), null)) {
        statuses =
            events.readToEnd().stream()
                .filter(e -> e.type().equals("status"))
                .map(EventStream.Event::status)
                .toList();
      }

      assertThat(statuses)
          .as("the worker's changes reach the API node's stream")
          .containsExactly("in_queue", "in_progress", "completed");
      // Without the worker node's notifications the stream would hear of the job only at its 15 s
      // re-read.
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("woken by the other node's notifications")
          .isLessThan(Duration.ofSeconds(12));
    }
  }
}
