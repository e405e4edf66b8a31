import dev.kino.database.SqliteDatabase;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.NewJob;
import dev.kino.jobs.SqliteJobStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Live-status benchmark (run it with bench/events.sh). Part 1 starts a real `./kino serve --workers 0`, queues
 * one job per stream, opens that many SSE streams at once (one virtual thread each on the client), and reads
 * the server's RSS before and after. Then it cancels the jobs one by one while every stream is open and
 * measures, per event, the time from sending the cancel to the stream delivering `cancelled`, and from the
 * event's server timestamp to its arrival. Part 2 measures the status route's queue_position query against
 * SQLite with 100,000 queued jobs. Prints figures; asserts nothing.
 */
public class EventsBench {
  static final String KEY = "bench-admin-key-0123456789";
  static final String MODEL = "kling/kling-3.0/standard/text-to-video";
  static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  static final Pattern ID = Pattern.compile("\"request_id\":\"([^\"]+)\"");
  static String base;

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int queued = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    streamsAndLatency(streams);
    queuePosition(queued);
    System.exit(0);
  }

  static void streamsAndLatency(int streams) throws Exception {
    Path dataDir = Files.createTempDirectory("kino-bench-events-");
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    System.out.printf(Locale.ROOT, "Kino events benchmark: %d streams, data dir %s, %d CPUs%n", streams, dataDir, Runtime.getRuntime().availableProcessors());
    Process server = serve(dataDir, port);
    String body = "{\"prompt\": \"benchmark\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      ids.add(field(ID, post("/v1/models/" + MODEL, body)));
    }
    Thread.sleep(2000);
    long rssBefore = rssKb(server.pid());

    long[] received = new long[streams];
    long[] serverStamp = new long[streams];
    CountDownLatch opened = new CountDownLatch(streams);
    CountDownLatch finished = new CountDownLatch(streams);
    AtomicInteger failures = new AtomicInteger();
    ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
    long openStart = System.nanoTime();
    for (int i = 0; i < streams; i++) {
      int n = i;
      readers.execute(() -> {
        try {
          HttpResponse<InputStream> response = HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/requests/" + ids.get(n) + "/events")).header("Authorization", "Bearer " + KEY).build(),
              HttpResponse.BodyHandlers.ofInputStream());
          try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            boolean first = true;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
              if (line.startsWith("data: ") && first) {
                first = false;
                opened.countDown(); // the in_queue event: the stream is live
              } else if (line.startsWith("data: ") && line.contains("\"cancelled\"")) {
                received[n] = System.nanoTime();
                long stamped = Instant.parse(field(Pattern.compile("\"timestamp\":\"([^\"]+)\""), line)).toEpochMilli();
                serverStamp[n] = System.currentTimeMillis() - stamped; // both clocks are this machine's
              }
            }
          }
        } catch (Exception e) {
          failures.incrementAndGet();
          opened.countDown();
        } finally {
          finished.countDown();
        }
      });
    }
    if (!opened.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + (streams - opened.getCount()) + " streams opened");
    }
    System.out.printf(Locale.ROOT, "opened %d streams in %.1f s (%d failed)%n", streams, (System.nanoTime() - openStart) / 1e9, failures.get());
    Thread.sleep(3000);
    long rssHeld = rssKb(server.pid());
    System.out.printf(Locale.ROOT, "server RSS: %d MB with no stream, %d MB with %d open: %.1f KB per stream%n",
        rssBefore / 1024, rssHeld / 1024, streams, (rssHeld - rssBefore) / (double) streams);
    System.out.printf(Locale.ROOT, "server threads with %d streams open: %d%n", streams, threads(server.pid()));

    long[] sent = new long[streams];
    for (int i = 0; i < streams; i++) {
      sent[i] = System.nanoTime();
      post("/v1/requests/" + ids.get(i) + "/cancel", "");
    }
    finished.await(120, TimeUnit.SECONDS);
    long[] viaCancel = new long[streams];
    long[] fromStamp = new long[streams];
    for (int i = 0; i < streams; i++) {
      viaCancel[i] = received[i] - sent[i];
      fromStamp[i] = serverStamp[i] * 1_000_000L;
    }
    report("cancel sent -> 'cancelled' event read by its stream, " + streams + " streams open", viaCancel);
    report("event timestamp (server, ms) -> read by the client (ms resolution)", fromStamp);
    server.destroy();
    server.waitFor();
  }

  static void queuePosition(int queued) throws Exception {
    Path dir = Files.createTempDirectory("kino-bench-queue-");
    try (SqliteDatabase db = SqliteDatabase.open(dir)) {
      SqliteJobStore store = new SqliteJobStore(db, new EventHub());
      long t = System.nanoTime();
      db.writes().useHandle(h -> {
        var batch = h.prepareBatch("INSERT INTO jobs (id, owner, model_id, input, status, max_attempts, created_at) VALUES (?, 'bench', ?, '{}', 'in_queue', 3, ?)");
        for (int i = 0; i < queued; i++) {
          batch.add(java.util.UUID.randomUUID().toString(), MODEL, System.currentTimeMillis());
        }
        batch.execute();
      });
      System.out.printf(Locale.ROOT, "%nqueued %d jobs directly in SQLite in %.1f s%n", queued, (System.nanoTime() - t) / 1e9);
      ObjectNode input = JsonMapper.shared().createObjectNode();
      Job last = store.submit(NewJob.of("bench", MODEL, input, 3), Instant.now());
      List<Job> sample = new ArrayList<>();
      Random random = new Random(7);
      for (int i = 0; i < 200; i++) {
        long seq = 1 + random.nextInt(queued);
        sample.add(store.list(new dev.kino.jobs.JobQuery("bench", java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(seq + 1), 1)).getFirst());
      }
      for (int i = 0; i < 50; i++) {
        store.queuePosition(last); // warm-up
      }
      long[] tail = new long[500];
      for (int i = 0; i < tail.length; i++) {
        long s = System.nanoTime();
        store.queuePosition(last);
        tail[i] = System.nanoTime() - s;
      }
      long[] anywhere = new long[2000];
      for (int i = 0; i < anywhere.length; i++) {
        Job job = sample.get(i % sample.size());
        long s = System.nanoTime();
        store.queuePosition(job);
        anywhere[i] = System.nanoTime() - s;
      }
      System.out.printf(Locale.ROOT, "queue_position of the last of %d queued jobs = %d%n", queued + 1, store.queuePosition(last));
      report("queue_position, last in a queue of " + (queued + 1), tail);
      report("queue_position, random positions in a queue of " + (queued + 1), anywhere);
    }
  }

  static Process serve(Path dataDir, int port) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("./kino", "serve", "--data-dir", dataDir.toString(), "--port", Integer.toString(port), "--workers", "0")
        .redirectErrorStream(true).redirectOutput(dataDir.resolve("server.log").toFile());
    builder.environment().put("KINO_ADMIN_KEY", KEY);
    Process process = builder.start();
    for (int i = 0; i < 600; i++) {
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return process;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("server did not start; see " + dataDir);
  }

  static String post(String path, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  static String field(Pattern pattern, String body) {
    Matcher m = pattern.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("no " + pattern + " in " + body);
    }
    return m.group(1);
  }

  static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what,
        sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
  }

  /** ./kino serve replaces itself with the JVM (exec), so the process started is the server. */
  static long rssKb(long pid) throws IOException {
    return procStatus(pid, "VmRSS:");
  }

  static long threads(long pid) throws IOException {
    return procStatus(pid, "Threads:");
  }

  static long procStatus(long pid, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
