import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
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
  static final String KEY = "bench-admin-key-0123456789";
  static final String MODEL = "kling/kling-3.0/standard/text-to-video";
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Pattern ID = Pattern.compile("\"request_id\":\"([^\"]+)\"");
  static final Pattern STATUS = Pattern.compile("\"status\":\"([^\"]+)\"");
  static String base;

  public static void main(String[] args) throws Exception {
    int stored = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dataDir = Files.createTempDirectory("kino-bench-");
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    System.out.printf(Locale.ROOT, "Kino core benchmark: %d stored jobs, data dir %s%n", stored, dataDir);

    Process server = serve(dataDir, port, 0);
    String body = "{\"prompt\": \"benchmark\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) { // warm-up, also stored
      ids.add(submit(body));
    }
    long fillStart = System.nanoTime();
    while (ids.size() < stored) {
      ids.add(submit(body));
    }
    System.out.printf(Locale.ROOT, "stored %d queued jobs in %.1f s%n", ids.size(), (System.nanoTime() - fillStart) / 1e9);

    long[] submitNanos = new long[2000];
    for (int i = 0; i < submitNanos.length; i++) {
      long t = System.nanoTime();
      ids.add(submit(body));
      submitNanos[i] = System.nanoTime() - t;
    }
    Random random = new Random(42);
    long[] statusNanos = new long[5000];
    for (int i = 0; i < statusNanos.length; i++) {
      String id = ids.get(random.nextInt(ids.size()));
      long t = System.nanoTime();
      get("/v1/requests/" + id + "/status");
      statusNanos[i] = System.nanoTime() - t;
    }
    report("submit latency (" + submitNanos.length + " submits, " + stored + "+ jobs stored)", submitNanos);
    report("status latency (" + statusNanos.length + " random ids, in_queue with queue_position)", statusNanos);

    long cancelStart = System.nanoTime();
    for (String id : ids) {
      post("/v1/requests/" + id + "/cancel", "");
    }
    System.out.printf(Locale.ROOT, "cancelled all %d (they stay stored) in %.1f s%n", ids.size(), (System.nanoTime() - cancelStart) / 1e9);
    stop(server);

    server = serve(dataDir, port, 1);
    Thread.sleep(5000);
    System.out.printf(Locale.ROOT, "idle RSS, 1 worker ready, %d jobs stored: %d MB%n", ids.size(), rssKb(server.pid()) / 1024);

    int runs = 20;
    long[] observed = new long[runs];
    long[] serverSide = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      String id = submit(body);
      String status;
      while (!(status = field(STATUS, get("/v1/requests/" + id + "/status"))).equals("in_progress") && !status.equals("completed")) {
        Thread.onSpinWait();
      }
      observed[i] = System.nanoTime() - t;
      String statusBody = get("/v1/requests/" + id + "/status");
      serverSide[i] = Duration.between(Instant.parse(field(Pattern.compile("\"created_at\":\"([^\"]+)\""), statusBody)),
          Instant.parse(field(Pattern.compile("\"started_at\":\"([^\"]+)\""), statusBody))).toNanos();
      while (!field(STATUS, get("/v1/requests/" + id + "/status")).equals("completed")) {
        Thread.sleep(20);
      }
    }
    report("submit to in_progress, idle worker, seen by a polling client (" + runs + " jobs)", observed);
    report("submit to in_progress, idle worker, server timestamps started_at - created_at", serverSide);
    System.out.printf(Locale.ROOT, "RSS after %d renders: %d MB%n", runs, rssKb(server.pid()) / 1024);
    stop(server);
  }

  static Process serve(Path dataDir, int port, int workers) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("./kino", "serve", "--data-dir", dataDir.toString(), "--port", Integer.toString(port), "--workers", Integer.toString(workers))
        .redirectErrorStream(true).redirectOutput(dataDir.resolve("server-" + workers + ".log").toFile());
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

  static void stop(Process p) throws InterruptedException {
    p.destroy();
    p.waitFor();
  }

  static String submit(String body) throws Exception {
    return field(ID, post("/v1/models/" + MODEL, body));
  }

  static String get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  static String post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static String send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
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
    System.out.printf(Locale.ROOT, "%-90s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms%n", what,
        sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6, sorted[sorted.length - 1] / 1e6);
  }

  static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
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
