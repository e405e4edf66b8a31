package dev.kino.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.Settings;
import dev.kino.node.KinoNode;
import dev.kino.testing.Api;
import dev.kino.testing.PostgresServer;
import dev.kino.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes on one PostgreSQL, one of them with its clock a minute ahead: leases are timed by the
 * database's clock, so the fast node's lease reaper does not take the other node's running jobs
 * (with each node's own clock, every one of them failed lease_lost).
 */
class ClockSkewTest {
  static final String PRO = "kling/kling-3.0/pro/text-to-video";
  @TempDir Path aheadDir;

  @Test
  void a_node_a_minute_ahead_does_not_reap_the_leases_of_the_others() throws Exception {
    String database = PostgresServer.shared().newDatabase();
    Clock aMinuteAhead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(60));
    Settings ahead =
        Settings.forDataDir(aheadDir)
            .withAdminKey(TestServer.ADMIN_KEY)
            .withDatabase(database)
            .withWorkers(0); // its lease reaper runs, its workers take nothing
    try (TestServer worker = TestServer.start(s -> s.withWorkers(1).withDatabase(database));
        KinoNode fast =
            KinoNode.start(ahead, new PrintStream(new ByteArrayOutputStream()), aMinuteAhead)) {
      Api api = worker.api();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(
            api.submitOk(
                PRO, "{\"prompt\": \"skew " + i + "\", \"duration\": 10, \"sound\": false}"));
      }

      for (String id : ids) {
        JsonNode done = api.awaitState(id, Duration.ofSeconds(120), "completed", "failed");
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(api.result(id).body().at("/metadata/attempt").asInt())
            .as("claimed once: no lease was taken from its worker")
            .isEqualTo(1);
      }
      assertThat(fast.port()).isPositive();
    }
  }
}
