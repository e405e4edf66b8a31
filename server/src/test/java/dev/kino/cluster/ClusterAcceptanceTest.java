package dev.kino.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.media.MediaProbe;
import dev.kino.testing.Api;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.LoadsTheMachine;
import dev.kino.testing.PostgresServer;
import dev.kino.testing.S3Server;
import dev.kino.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cluster's promise, end to end: three Kino node processes on one PostgreSQL and one S3
 * endpoint take 1,000 short sandbox jobs through all three APIs; one node is killed with SIGKILL
 * mid-run, another is frozen with SIGSTOP past its leases and thawed, then killed too. Every job
 * completes exactly once: none lost, none whose result was published twice, and the frozen node
 * writes nothing to a job after losing its lease.
 */
@LoadsTheMachine
class ClusterAcceptanceTest {
  static final int JOBS = Integer.getInteger("kino.cluster.jobs", 1000);
  static final String MODEL = "test/short-clip";
  static final int LEASE_SECONDS = 5;

  @Test
  void three_nodes_lose_no_job_and_publish_none_twice_through_kills_and_a_freeze()
      throws Exception {
    String databaseUrl = PostgresServer.shared().newDatabase();
    S3Server s3 = S3Server.shared();
    URI bucket = s3.newBucket();
    String[] flags = {
      "--database",
      databaseUrl,
      "--storage",
      bucket.toString(),
      "--models-dir",
      shortClipModel().toString(),
      "--lease-seconds",
      Integer.toString(LEASE_SECONDS),
      "--max-attempts",
      "5",
      "--workers",
      "2"
    };
    List<KinoProcess> nodes = new ArrayList<>();
    List<Api> apis = new ArrayList<>();
    try (Database db = PostgresDatabase.open(databaseUrl, 2)) {
      for (int i = 0; i < 3; i++) {
        KinoProcess node =
            KinoProcess.serveWith(
                s3.environment(), Files.createTempDirectory("kino-cluster-node-"), flags);
        nodes.add(node);
        apis.add(node.api(TestServer.ADMIN_KEY));
      }

      List<String> ids = submitThroughAllNodes(apis);
      assertThat(ids).hasSize(JOBS).doesNotHaveDuplicates();

      await().atMost(Duration.ofMinutes(5)).until(() -> completed(db) >= JOBS / 5);
      nodes.get(0).kill9();

      await().atMost(Duration.ofMinutes(5)).until(() -> completed(db) >= JOBS * 2 / 5);
      KinoProcess frozen = nodes.get(1);
      frozen.freeze();
      // Read once it is stopped: read before, a job it was finishing could end in between.
      List<Held> heldWhenFrozen = heldBy(db, frozen.pid());
      await().atMost(Duration.ofMinutes(2)).until(() -> heldBy(db, frozen.pid()).isEmpty());
      frozen.thaw();

      await().atMost(Duration.ofMinutes(5)).until(() -> completed(db) >= JOBS * 3 / 5);
      frozen.kill9();

      await().atMost(Duration.ofMinutes(10)).until(() -> completed(db) == JOBS);

      assertThat(count(db, "SELECT count(*) FROM jobs WHERE status <> 'completed'"))
          .as("no job lost or failed")
          .isZero();
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM (SELECT job_id FROM job_events WHERE kind = 'status' AND data LIKE '%\"completed\"%'"
                      + " GROUP BY job_id HAVING count(*) > 1) twice"))
          .as("no result published twice")
          .isZero();
      assertThat(heldWhenFrozen).as("the frozen node held jobs when it stopped").isNotEmpty();
      for (Held held : heldWhenFrozen) {
        List<Integer> statusAttempts =
            db
                .reads()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT data FROM job_events WHERE job_id = :id AND kind = 'status' ORDER BY seq")
                            .bind("id", held.jobId())
                            .mapTo(String.class)
                            .list())
                .stream()
                .map(d -> JsonMapper.shared().readTree(d).path("attempt").asInt())
                .toList();
        int reclaimedAt = statusAttempts.indexOf(held.attempt() + 1);
        assertThat(reclaimedAt)
            .as("job %s was claimed again after the freeze", held.jobId())
            .isPositive();
        assertThat(statusAttempts.subList(reclaimedAt, statusAttempts.size()))
            .as(
                "nothing from the frozen worker's attempt %d after job %s was claimed again",
                held.attempt(), held.jobId())
            .doesNotContain(held.attempt());
      }
      // The published results are the stored ones: a sample plays back from the store.
      Api survivor = apis.get(2);
      for (String id : List.of(ids.getFirst(), ids.get(JOBS / 2), ids.getLast())) {
        String video = survivor.result(id).body().at("/output/video").asString();
        assertThat(MediaProbe.probe(Api.downloadToFile(video)).durationSeconds())
            .isGreaterThan(2.5);
      }
    } finally {
      nodes.forEach(KinoProcess::close);
    }
  }

  record Held(String jobId, int attempt) {}

  private static List<Held> heldBy(Database db, long pid) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT id, attempt FROM jobs WHERE status = 'in_progress' AND lease_owner LIKE :owner")
                    .bind("owner", "%:" + pid + ":%")
                    .map((rs, ctx) -> new Held(rs.getString("id"), rs.getInt("attempt")))
                    .list());
  }

  private static long completed(Database db) {
    return count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'");
  }

  private static long count(Database db, String sql) {
    return db.reads().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  /**
   * JOBS submits spread over the three nodes, several at a time, as clients behind a load balancer.
   */
  private static List<String> submitThroughAllNodes(List<Api> apis) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(6);
    try {
      List<Future<String>> submitted = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        Api api = apis.get(i % apis.size());
        String body = "{\"prompt\": \"clip " + i + "\", \"duration\": 3, \"sound\": false}";
        submitted.add(clients.submit(() -> api.submitOk(MODEL, body)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : submitted) {
        ids.add(f.get());
      }
      return ids;
    } finally {
      clients.shutdown();
    }
  }

  /**
   * A tiny sandbox model (72-pixel short side) on the seed text-to-video schema: many short jobs.
   */
  private static Path shortClipModel() throws IOException {
    Path dir = Files.createTempDirectory("kino-cluster-models-");
    ObjectNode definition =
        JsonMapper.shared()
            .createObjectNode()
            .put("id", MODEL)
            .put("based_on", "kling/kling-3.0/standard/text-to-video");
    definition
        .putObject("engine")
        .put("type", "sandbox")
        .putObject("settings")
        .put("short_side", 72);
    Path file = dir.resolve(MODEL + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, JsonMapper.shared().writeValueAsString(definition));
    return dir;
  }
}
