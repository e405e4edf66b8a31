import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Fair queueing benchmark (run it with bench/fairness.sh). One real `./kino serve` with one worker per run, once
 * with --queue-order fifo and once with fair: key A queues N sandbox jobs, then key B queues 5. Prints, for B's
 * jobs, how many of A's jobs started between B's first submit and each B start, and how long B's jobs waited
 * (created_at to started_at, from the server's own timestamps). Asserts nothing.
 */
public class FairnessBench {
  static final String MODEL = "kling/kling-3.0/standard/text-to-video";
  static final String BODY = "{\"prompt\": \"%s\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";
  static final Pattern SECRET = Pattern.compile("\"secret\":\"([^\"]+)\"");
  static final Pattern STATUS = Pattern.compile("\"status\":\"([^\"]+)\"");
  static final Pattern CREATED = Pattern.compile("\"created_at\":\"([^\"]+)\"");
  static final Pattern STARTED = Pattern.compile("\"started_at\":\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    int heavy = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    System.out.printf(Locale.ROOT, "Kino fairness benchmark: key A queues %d jobs, then key B queues 5; one worker%n", heavy);
    for (String order : List.of("fifo", "fair")) {
      run(order, heavy);
    }
  }

  private static void run(String order, int heavy) throws Exception {
    Path dataDir = Files.createTempDirectory("kino-bench-fair-");
    BenchServer server = BenchServer.start(dataDir, 0, 1, List.of("--queue-order", order));
    try {
      String a = BenchServer.field(SECRET, server.post("/v1/keys", "{\"name\": \"heavy\"}"));
      String b = BenchServer.field(SECRET, server.post("/v1/keys", "{\"name\": \"light\"}"));
      List<String> aIds = new ArrayList<>();
      for (int i = 0; i < heavy; i++) {
        aIds.add(BenchServer.field(BenchServer.ID, server.postAs(a, "/v1/models/" + MODEL, BODY.formatted("a" + i))));
      }
      List<String> bIds = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        bIds.add(BenchServer.field(BenchServer.ID, server.postAs(b, "/v1/models/" + MODEL, BODY.formatted("b" + i))));
      }
      List<Instant[]> bTimes = new ArrayList<>();
      for (String id : bIds) {
        String status = awaitDone(server, b, id);
        bTimes.add(new Instant[] {Instant.parse(BenchServer.field(CREATED, status)), Instant.parse(BenchServer.field(STARTED, status))});
      }
      Instant firstB = bTimes.getFirst()[0];
      List<Instant> aStarts = new ArrayList<>();
      for (String id : aIds) {
        String status = server.getAs(a, "/v1/requests/" + id + "/status");
        if (STARTED.matcher(status).find()) {
          aStarts.add(Instant.parse(BenchServer.field(STARTED, status)));
        }
      }
      StringBuilder starts = new StringBuilder();
      double longest = 0;
      double total = 0;
      for (Instant[] t : bTimes) {
        long before = aStarts.stream().filter(s -> s.isAfter(firstB) && s.isBefore(t[1])).count();
        starts.append(starts.isEmpty() ? "" : ", ").append(before);
        double waited = Duration.between(t[0], t[1]).toMillis() / 1000.0;
        longest = Math.max(longest, waited);
        total += waited;
      }
      System.out.printf(Locale.ROOT, "%-4s: A's starts before each of B's 5 jobs [%s]; B waited %.1f s on average, %.1f s at most%n",
          order, starts, total / bTimes.size(), longest);
    } finally {
      server.stop();
    }
  }

  private static String awaitDone(BenchServer server, String key, String id) throws Exception {
    while (true) {
      String status = server.getAs(key, "/v1/requests/" + id + "/status");
      String state = BenchServer.field(STATUS, status);
      if (!state.equals("in_queue") && !state.equals("in_progress")) {
        return status;
      }
      Thread.sleep(100);
    }
  }
}
