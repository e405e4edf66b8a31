import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Core latency benchmark (run it with bench/core.sh). Starts real `./kino serve` processes and measures, over
 * loopback HTTP from one client with keep-alive:
 *   1. submit and status latency (p50/p99) with 10,000 jobs stored,
 *   2. idle RSS of a server with workers ready,
 *   3. time from submit to in_progress with an idle worker (client-observed and server timestamps).
 * Prints figures; asserts nothing.
 */
public class CoreBench {
  static final String MODEL = "kling/kling-3.0/standard/text-to-video";
  static final Pattern STATUS = Pattern.compile("\"status\":\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    int stored = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dataDir = Files.createTempDirectory("kino-bench-");
    System.out.printf(Locale.ROOT, "Kino core benchmark: %d stored jobs, data dir %s%n", stored, dataDir);

    BenchServer server = BenchServer.start(dataDir, 0, 0);
    String body = "{\"prompt\": \"benchmark\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) { // warm-up, also stored
      ids.add(server.submit(MODEL, body));
    }
    long fillStart = System.nanoTime();
    while (ids.size() < stored) {
      ids.add(server.submit(MODEL, body));
    }
    System.out.printf(Locale.ROOT, "stored %d queued jobs in %.1f s%n", ids.size(), (System.nanoTime() - fillStart) / 1e9);

    long[] submitNanos = new long[2000];
    for (int i = 0; i < submitNanos.length; i++) {
      long t = System.nanoTime();
      ids.add(server.submit(MODEL, body));
      submitNanos[i] = System.nanoTime() - t;
    }
    Random random = new Random(42);
    long[] statusNanos = new long[5000];
    for (int i = 0; i < statusNanos.length; i++) {
      String id = ids.get(random.nextInt(ids.size()));
      long t = System.nanoTime();
      server.get("/v1/requests/" + id + "/status");
      statusNanos[i] = System.nanoTime() - t;
    }
    BenchServer.report("submit latency (" + submitNanos.length + " submits, " + stored + "+ jobs stored)", submitNanos);
    BenchServer.report("status latency (" + statusNanos.length + " random ids, in_queue with queue_position)", statusNanos);

    long cancelStart = System.nanoTime();
    for (String id : ids) {
      server.post("/v1/requests/" + id + "/cancel", "");
    }
    System.out.printf(Locale.ROOT, "cancelled all %d (they stay stored) in %.1f s%n", ids.size(), (System.nanoTime() - cancelStart) / 1e9);
    server.stop();

    server = BenchServer.start(dataDir, server.port(), 1);
    Thread.sleep(5000);
    System.out.printf(Locale.ROOT, "idle RSS, 1 worker ready, %d jobs stored: %d MB%n", ids.size(), server.rssKb() / 1024);

    int runs = 20;
    long[] observed = new long[runs];
    long[] serverSide = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      String id = server.submit(MODEL, body);
      String status;
      while (!(status = BenchServer.field(STATUS, server.get("/v1/requests/" + id + "/status"))).equals("in_progress") && !status.equals("completed")) {
        Thread.onSpinWait();
      }
      observed[i] = System.nanoTime() - t;
      String statusBody = server.get("/v1/requests/" + id + "/status");
      serverSide[i] = Duration.between(Instant.parse(BenchServer.field(Pattern.compile("\"created_at\":\"([^\"]+)\""), statusBody)),
          Instant.parse(BenchServer.field(Pattern.compile("\"started_at\":\"([^\"]+)\""), statusBody))).toNanos();
      while (!BenchServer.field(STATUS, server.get("/v1/requests/" + id + "/status")).equals("completed")) {
        Thread.sleep(20);
      }
    }
    BenchServer.report("submit to in_progress, idle worker, seen by a polling client (" + runs + " jobs)", observed);
    BenchServer.report("submit to in_progress, idle worker, server timestamps started_at - created_at", serverSide);
    System.out.printf(Locale.ROOT, "RSS after %d renders: %d MB%n", runs, server.rssKb() / 1024);
    server.stop();
  }
}
