package dev.kino.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.testing.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue's guarantees on a real PostgreSQL server (a cluster's database), and what only a
 * cluster does: several nodes, each with its own connection pool, claiming from one queue at once.
 */
class PostgresJobStoreTest extends JobStoreContract {
  private final String url = PostgresServer.shared().newDatabase();

  @Override
  Database openDatabase() {
    return PostgresDatabase.open(url, 4);
  }

  @Test
  void three_nodes_claiming_at_once_never_take_the_same_job() throws Exception {
    int jobs = 120;
    for (int i = 0; i < jobs; i++) {
      store
          .requests()
          .submit(
              NewJob.of(
                  "owner", "m", JsonMapper.shared().createObjectNode().put("prompt", "p" + i), 3),
              T0);
    }
    List<Database> nodes = List.of(openDatabase(), openDatabase(), openDatabase());
    ExecutorService workers = Executors.newFixedThreadPool(12);
    try {
      List<Future<List<String>>> claimed = new ArrayList<>();
      for (int w = 0; w < 12; w++) {
        JobQueue node =
            new JobQueue(
                nodes.get(w % 3), new EventHub(), java.util.OptionalInt.empty(), QueueOrder.FAIR);
        String worker = "node-" + (w % 3) + "-worker-" + w;
        claimed.add(
            workers.submit(
                () -> {
                  List<String> mine = new ArrayList<>();
                  Optional<ClaimedJob> next;
                  while ((next = node.claim(worker, T0, Duration.ofSeconds(30), Set.of()))
                      .isPresent()) {
                    mine.add(next.get().job().id());
                  }
                  return mine;
                }));
      }
      Set<String> distinct = new HashSet<>();
      int total = 0;
      for (Future<List<String>> f : claimed) {
        total += f.get().size();
        distinct.addAll(f.get());
      }
      assertThat(total).as("every job claimed once").isEqualTo(jobs);
      assertThat(distinct).hasSize(jobs);
      List<JobEvent> events = store.log().eventsAfter(0, 10_000);
      assertThat(
              events.stream()
                  .filter(e -> e.data().path("status").asString("").equals("in_progress"))
                  .count())
          .isEqualTo(jobs);
    } finally {
      workers.shutdownNow();
      nodes.forEach(Database::close);
    }
  }
}
