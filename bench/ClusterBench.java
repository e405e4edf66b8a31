import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cluster benchmark (run it with bench/cluster.sh). Three real `./kino serve` processes on one PostgreSQL:
 *   0. submit latency, one client, an idle API node (after a warm-up);
 *   1. claims per second: a queue of no-op jobs (engine noop) filled first, then drained by 3 nodes x 16 workers;
 *      the rate is read from the jobs' own started_at times;
 *   2. submit latency (p50/p99) through the three nodes while they run jobs at that rate.
 * Prints figures; asserts nothing.
 */
public class ClusterBench {
  static final String MODEL = "bench/noop";
  static final String BODY = "{\"prompt\": \"benchmark\", \"duration\": 3, \"sound\": false}";

  public static void main(String[] args) throws Exception {
    String database = args[0];
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 6000;
    Path models = Files.createTempDirectory("kino-bench-models-");
    Files.createDirectories(models.resolve("bench"));
    Files.writeString(models.resolve("bench/noop.json"),
        "{\"id\": \"" + MODEL + "\", \"based_on\": \"kling/kling-3.0/standard/text-to-video\", \"engine\": {\"type\": \"noop\"}, \"output_schema\": {}}");
    List<String> flags = List.of("--database", database, "--models-dir", models.toString());
    System.out.printf(Locale.ROOT, "Kino cluster benchmark: %d no-op jobs, 3 nodes x 16 workers, PostgreSQL %s%n", jobs, database.replaceAll("//[^@]*@", "//"));

    // 0. One client, one idle API node: what a submit costs on PostgreSQL without contention.
    List<BenchServer> fillers = startNodes(flags, 0, List.of("--no-workers"));
    for (int i = 0; i < 300; i++) {
      fillers.get(0).submit(MODEL, BODY); // warm-up
    }
    long[] alone = new long[300];
    for (int i = 0; i < alone.length; i++) {
      long t = System.nanoTime();
      fillers.get(0).submit(MODEL, BODY);
      alone[i] = System.nanoTime() - t;
    }
    BenchServer.report("submit, one client, idle API node", alone);

    // 1. Fill the queue through API-only nodes, then drain it with three nodes of 16 workers.
    long fillStart = System.nanoTime();
    submitAll(fillers, jobs, 24, null);
    System.out.printf(Locale.ROOT, "queued %d jobs through 3 API nodes in %.1f s%n", jobs, (System.nanoTime() - fillStart) / 1e9);
    for (BenchServer s : fillers) {
      s.stop();
    }
    List<BenchServer> nodes = startNodes(flags, 16, List.of());
    waitForCompleted(database, jobs + 600);
    try (Connection c = connect(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), min(started_at), max(started_at), max(finished_at) FROM jobs WHERE status = 'completed'")) {
      rs.next();
      double claimSpan = (rs.getLong(3) - rs.getLong(2)) / 1000.0;
      System.out.printf(Locale.ROOT, "drained %d queued jobs: %.0f claims/s (first to last claim %.2f s), %.0f jobs/s to the last completion%n",
          rs.getLong(1), rs.getLong(1) / claimSpan, claimSpan, rs.getLong(1) / ((rs.getLong(4) - rs.getLong(2)) / 1000.0));
    }

    // 2. Submit latency while the same nodes run jobs as fast as they come.
    long[] nanos = new long[jobs];
    long loadStart = System.nanoTime();
    submitAll(nodes, jobs, 24, nanos);
    double seconds = (System.nanoTime() - loadStart) / 1e9;
    waitForCompleted(database, 2L * jobs + 600);
    System.out.printf(Locale.ROOT, "submitted %d more with 24 clients in %.1f s (%.0f submits/s) while 48 workers ran them%n", jobs, seconds, jobs / seconds);
    BenchServer.report("submit under load (3 nodes, 48 workers)", nanos);
    for (BenchServer s : nodes) {
      s.stop();
    }
  }

  static List<BenchServer> startNodes(List<String> flags, int workers, List<String> extra) throws Exception {
    List<BenchServer> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<String> all = new ArrayList<>(flags);
      all.addAll(extra);
      nodes.add(BenchServer.start(Files.createTempDirectory("kino-bench-node-"), 0, workers, all));
    }
    return nodes;
  }

  /** {@code count} submits spread over the nodes by {@code clients} threads; latencies into {@code nanos} if given. */
  static void submitAll(List<BenchServer> nodes, int count, int clients, long[] nanos) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      BenchServer node = nodes.get(i % nodes.size());
      done.add(pool.submit(() -> {
        long t = System.nanoTime();
        node.submit(MODEL, BODY);
        if (nanos != null) {
          nanos[n] = System.nanoTime() - t;
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  static void waitForCompleted(String database, long expected) throws Exception {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM jobs WHERE status = 'completed'")) {
          rs.next();
          if (rs.getLong(1) >= expected) {
            return;
          }
        }
        Thread.sleep(100);
      }
    }
  }

  static Connection connect(String url) throws Exception {
    java.net.URI uri = java.net.URI.create(url);
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), uri.getUserInfo(), "");
  }
}
