package dev.kino.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.testing.Api;
import dev.kino.testing.PostgresServer;
import dev.kino.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 30 s while a node runs jobs, then started again: no job fails because of
 * it. Running jobs keep running (their heartbeats wait), outcomes reached meanwhile are recorded
 * once the database answers, leases are not taken from live workers afterwards, and a submit during
 * the outage is a 503 to retry, not a 500.
 */
class DatabaseOutageTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";

  @Test
  void a_thirty_second_database_outage_fails_no_job() throws Exception {
    try (PostgresServer postgres = PostgresServer.startOwn()) {
      String database = postgres.newDatabase();
      try (TestServer node = TestServer.start(s -> s.withDatabase(database).withWorkers(2))) {
        Api api = node.api();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          ids.add(
              api.submitOk(
                  T2V,
                  "{\"prompt\": \"clip "
                      + i
                      + "\", \"duration\": "
                      + (i < 2 ? 15 : 3)
                      + ", \"sound\": false}"));
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> api.status(ids.getFirst()).text("status").equals("in_progress"));

        postgres.stopNow();
        Api.Answer duringOutage = api.submit(T2V, "{\"prompt\": \"p\"}");
        Thread.sleep(Duration.ofSeconds(30));
        postgres.startAgain();

        assertThat(duringOutage.status()).as(duringOutage.body().toString()).isEqualTo(503);
        assertThat(duringOutage.body().path("error_code").asInt()).isEqualTo(503001);
        for (String id : ids) {
          assertThat(
                  api.awaitState(id, Duration.ofMinutes(3), "completed", "failed")
                      .path("status")
                      .asString())
              .as(id)
              .isEqualTo("completed");
          assertThat(api.status(id).body().path("attempt").asInt())
              .as("no lease taken from a live worker after the outage")
              .isEqualTo(1);
        }
      }
    }
  }
}
