package dev.kino.engines.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.engines.Slots;
import dev.kino.testing.FakeComfyUi;
import dev.kino.testing.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In a cluster, what one node sees of a ComfyUI server counts for all: two nodes' pools on one
 * server and one PostgreSQL database. Their own health checks are an hour apart, so what each does
 * in between comes from the other.
 */
class SharedServerHealthTest {
  private static final Duration NO_OWN_CHECKS = Duration.ofHours(1);
  private static final Duration READS = Duration.ofMillis(100);

  private final Database db = PostgresDatabase.open(PostgresServer.shared().newDatabase(), 2);
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
    db.close();
  }

  @Test
  void a_server_one_node_sees_fail_is_taken_out_by_every_node_and_one_nodes_check_brings_it_back()
      throws Exception {
    FakeComfyUi comfy = open(new FakeComfyUi());
    ComfyPool first = pool(comfy, "node-a");
    ComfyPool second = pool(comfy, "node-b");
    await().until(() -> hasRoom(first) && hasRoom(second));

    first.failed(first.find(comfy.url()).orElseThrow().client, "Connection reset");

    await()
        .atMost(Duration.ofSeconds(10))
        .alias("the other node takes the server out, though it still answers /system_stats")
        .until(() -> !hasRoom(second));
    assertThat(comfy.isAlive()).isTrue();

    assertThat(second.checkNow()).isTrue();
    assertThat(hasRoom(second)).as("the checking node has it back at once").isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("the node that saw it fail takes it back on the other's check, without its own")
        .until(() -> hasRoom(first));
  }

  @Test
  void a_check_that_began_before_a_newer_failure_does_not_undo_it() {
    ServerHealth a = health("node-a");
    ServerHealth b = health("node-b");
    String server = "http://127.0.0.1:1";
    a.down(server, "first failure");
    b.watch((s, healthy, reason, node) -> {});
    await().until(() -> b.seen(server) > 0);
    long seenByB = b.seen(server);

    assertThat(a.up(server, seenByB)).as("a's check passes").isTrue();
    a.down(server, "second failure"); // while b's check was under way

    assertThat(b.up(server, seenByB)).as("b's check saw only the first failure").isFalse();
    await().until(() -> b.seen(server) > seenByB + 1);
    assertThat(b.up(server, b.seen(server))).as("a check after the second failure").isTrue();
  }

  @Test
  void a_node_alone_keeps_what_it_sees_to_itself() {
    ServerHealth alone = ServerHealth.alone();
    alone.down("http://127.0.0.1:1", "failure");
    assertThat(alone.up("http://127.0.0.1:1", alone.seen("http://127.0.0.1:1"))).isTrue();
  }

  private ComfyPool pool(FakeComfyUi comfy, String node) {
    return open(
        new ComfyPool(
            List.of(URI.create(comfy.url())),
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
            NO_OWN_CHECKS,
            Map.of(),
            1,
            health(node)));
  }

  private ServerHealth health(String node) {
    return open(ServerHealth.shared(db, node, Clock.systemUTC(), READS));
  }

  private static boolean hasRoom(ComfyPool pool) throws InterruptedException {
    Slots.Slot slot = pool.take(Duration.ZERO);
    if (slot == null) {
      return false;
    }
    slot.close();
    return true;
  }

  private <T extends AutoCloseable> T open(T closeable) {
    opened.add(closeable);
    return closeable;
  }
}
