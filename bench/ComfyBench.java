import dev.kino.testing.FakeComfyUi;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kino's overhead per ComfyUI job (run it with bench/comfyui.sh). Four fake ComfyUI servers (the test suite's
 * FakeComfyUi, standing in for GPU machines) answer at once: one sampler step, no delay, a small MP4 written by
 * SaveVideo. The same fakes are driven two ways in one run:
 *  - the floor: a bare client with no queue and no database, as a script would drive ComfyUI: one websocket per
 *    server kept open, POST /prompt, wait for the final "executing" message, GET /history, GET /view;
 *  - Kino: a real `./kino serve` process with the four servers in its pool and the shipped Wan 2.2 example
 *    definition; the client submits, follows the request's events stream until "completed".
 * Latency is one job at a time (submit to completed, p50/p99); throughput is jobs per second with every job
 * kept in flight by 32 clients (Kino) or four loops, one per server (the floor).
 */
public class ComfyBench {
  static final String MODEL = "wan/wan-2.2/ti2v-5b/text-to-video";
  static final Path WORKFLOW = Path.of("examples/comfyui/models/wan/wan-2.2/ti2v-5b/wan2.2-ti2v-5b-t2v.workflow.json");
  static final Pattern EVENTS_URL = Pattern.compile("\"events_url\":\"([^\"]+)\"");
  static final Pattern CREATED = Pattern.compile("\"created_at\":\"([^\"]+)\"");
  static final Pattern STARTED = Pattern.compile("\"started_at\":\"([^\"]+)\"");
  static final Pattern FINISHED = Pattern.compile("\"finished_at\":\"([^\"]+)\"");
  /** Jobs in flight for the throughput run: enough to keep every server busy, few enough for one machine. */
  static final int THROUGHPUT_CLIENTS = 32;
  static final Pattern FILENAME = Pattern.compile("\"filename\":\"([^\"]+)\",\"subfolder\":\"([^\"]*)\"");

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("busy")) {
      busyShare(System.getenv().getOrDefault("KINO_BENCH_COMFYUI_FLAGS", ""));
      return;
    }
    int latencyJobs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int throughputJobs = args.length > 1 ? Integer.parseInt(args[1]) : 800;
    List<FakeComfyUi> fakes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fakes.add(new FakeComfyUi().slowSteps(1, Duration.ZERO));
    }
    System.out.printf(Locale.ROOT, "Kino ComfyUI overhead: 4 instant fake ComfyUI servers, %d jobs one at a time, %d for throughput, %d CPUs%n",
        latencyJobs, throughputJobs, Runtime.getRuntime().availableProcessors());
    String graph = Files.readString(WORKFLOW).replace("\"text\": \"\"", "\"text\": \"a heron lifts off a misty lake\"");

    List<BareClient> bare = new ArrayList<>();
    for (FakeComfyUi fake : fakes) {
      bare.add(new BareClient(fake.url(), graph));
    }
    for (int i = 0; i < 50; i++) {
      bare.getFirst().runOne(); // warm-up
    }
    long[] floor = new long[latencyJobs];
    for (int i = 0; i < latencyJobs; i++) {
      long t = System.nanoTime();
      bare.getFirst().runOne();
      floor[i] = System.nanoTime() - t;
    }
    BenchServer.report("floor: bare client, prompt to output downloaded, one at a time", floor);
    double floorRate = throughput(throughputJobs, bare);
    System.out.printf(Locale.ROOT, "%-90s %7.1f jobs/s%n", "floor: bare client, 4 servers, one loop per server", floorRate);

    Path dataDir = Files.createTempDirectory("kino-bench-comfyui-");
    String servers = String.join(",", fakes.stream().map(FakeComfyUi::url).toList());
    BenchServer kino = BenchServer.start(dataDir, 0, 1, List.of("--models-dir", Path.of("examples/comfyui/models").toAbsolutePath().toString(), "--comfyui", servers));
    try {
      String body = "{\"prompt\": \"a heron lifts off a misty lake\"}";
      Thread.sleep(2500); // every server has passed its first health check
      for (int i = 0; i < 50; i++) {
        submitAndFollow(kino, body); // warm-up
      }
      long[] kinoLatency = new long[latencyJobs];
      long[] queued = new long[latencyJobs];
      long[] running = new long[latencyJobs];
      for (int i = 0; i < latencyJobs; i++) {
        long t = System.nanoTime();
        String id = submitAndFollow(kino, body);
        kinoLatency[i] = System.nanoTime() - t;
        String status = kino.get("/v1/requests/" + id + "/status");
        Instant created = Instant.parse(BenchServer.field(CREATED, status));
        Instant started = Instant.parse(BenchServer.field(STARTED, status));
        queued[i] = Duration.between(created, started).toNanos();
        running[i] = Duration.between(started, Instant.parse(BenchServer.field(FINISHED, status))).toNanos();
      }
      BenchServer.report("Kino: submit to completed seen on the events stream, one at a time", kinoLatency);
      BenchServer.report("  of which, by the server's timestamps: created to started (queue, claim)", queued);
      BenchServer.report("  started to finished (prompt, outputs downloaded and stored, recorded)", running);
      long t = System.nanoTime();
      AtomicInteger left = new AtomicInteger(throughputJobs);
      List<Future<?>> clients = new ArrayList<>();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < THROUGHPUT_CLIENTS; c++) {
          clients.add(pool.submit(() -> {
            while (left.getAndDecrement() > 0) {
              submitAndFollow(kino, body);
            }
            return null;
          }));
        }
        for (Future<?> f : clients) {
          f.get();
        }
      }
      double kinoRate = throughputJobs / ((System.nanoTime() - t) / 1e9);
      System.out.printf(Locale.ROOT, "%-90s %7.1f jobs/s%n", "Kino: 4 servers, " + THROUGHPUT_CLIENTS + " clients each submitting and following a job at a time", kinoRate);
      long[] sortedFloor = floor.clone();
      long[] sortedKino = kinoLatency.clone();
      java.util.Arrays.sort(sortedFloor);
      java.util.Arrays.sort(sortedKino);
      System.out.printf(Locale.ROOT, "Kino's overhead per job: p50 %+.2f ms, p99 %+.2f ms over the floor; throughput %.0f%% of the floor%n",
          (sortedKino[latencyJobs / 2] - sortedFloor[latencyJobs / 2]) / 1e6,
          (sortedKino[(int) Math.ceil(latencyJobs * 0.99) - 1] - sortedFloor[(int) Math.ceil(latencyJobs * 0.99) - 1]) / 1e6,
          100 * kinoRate / floorRate);
      int max = fakes.stream().mapToInt(FakeComfyUi::maxConcurrent).max().orElse(0);
      System.out.printf(Locale.ROOT, "most prompts running at once on one server: %d; prompts per server: %s%n", max,
          fakes.stream().map(f -> Integer.toString(f.prompts().size())).toList());
    } finally {
      kino.stop();
      bare.forEach(BareClient::close);
      fakes.forEach(FakeComfyUi::close);
    }
    busyShare(System.getenv().getOrDefault("KINO_BENCH_COMFYUI_FLAGS", ""));
  }

  /** Seconds of GPU work per job in the busy-share run, and jobs per server in its backlog. */
  static final int BUSY_STEPS = 10;
  static final Duration BUSY_STEP = Duration.ofMillis(100);
  static final int BACKLOG_PER_SERVER = 12;

  /**
   * What matters for a GPU: 1-second jobs on 4 fake servers with a backlog, submitted at once. Each server's
   * busy share (time running a prompt over the time from its first start to its last end) and the gap between
   * one prompt's end and the next one's start, by the fakes' own clocks.
   */
  static void busyShare(String extraFlags) throws Exception {
    List<FakeComfyUi> fakes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fakes.add(new FakeComfyUi().slowSteps(BUSY_STEPS, BUSY_STEP));
    }
    Path dataDir = Files.createTempDirectory("kino-bench-comfyui-busy-");
    List<String> flags = new ArrayList<>(List.of("--models-dir", Path.of("examples/comfyui/models").toAbsolutePath().toString(),
        "--comfyui", String.join(",", fakes.stream().map(FakeComfyUi::url).toList())));
    if (!extraFlags.isBlank()) {
      flags.addAll(List.of(extraFlags.strip().split("\\s+")));
    }
    BenchServer kino = BenchServer.start(dataDir, 0, 1, flags);
    try {
      Thread.sleep(2500);
      int jobs = BACKLOG_PER_SERVER * fakes.size();
      List<Future<?>> followers = new ArrayList<>();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < jobs; i++) {
          followers.add(pool.submit(() -> submitAndFollow(kino, "{\"prompt\": \"a heron lifts off a misty lake\"}")));
        }
        for (Future<?> f : followers) {
          f.get();
        }
      }
      List<Long> gaps = new ArrayList<>();
      List<String> shares = new ArrayList<>();
      double worst = 1;
      for (FakeComfyUi fake : fakes) {
        List<long[]> runs = fake.runs();
        long busy = 0;
        for (int i = 0; i < runs.size(); i++) {
          busy += runs.get(i)[1] - runs.get(i)[0];
          if (i > 0) {
            gaps.add(runs.get(i)[0] - runs.get(i - 1)[1]);
          }
        }
        double share = (double) busy / (runs.getLast()[1] - runs.getFirst()[0]);
        worst = Math.min(worst, share);
        shares.add(String.format(Locale.ROOT, "%.1f%% (%d prompts)", 100 * share, runs.size()));
      }
      System.out.printf(Locale.ROOT, "busy share, 1-second jobs, %d queued at once on 4 servers%s: %s; lowest %.1f%%%n", jobs,
          extraFlags.isBlank() ? "" : " (" + extraFlags.strip() + ")", shares, 100 * worst);
      BenchServer.report("  gap from one prompt's end to the next one's start on the same server", gaps.stream().mapToLong(Long::longValue).toArray());
    } finally {
      kino.stop();
      fakes.forEach(FakeComfyUi::close);
    }
  }

  /** Submits one request and reads its events stream until the job is completed. */
  static String submitAndFollow(BenchServer kino, String body) throws Exception {
    String submitted = kino.post("/v1/models/" + MODEL, body);
    String events = BenchServer.field(EVENTS_URL, submitted);
    HttpResponse<InputStream> stream = BenchServer.HTTP.send(HttpRequest.newBuilder(URI.create(events)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("data: ") && line.contains("\"status\":\"completed\"")) {
          return BenchServer.field(BenchServer.ID, submitted);
        }
        if (line.startsWith("data: ") && (line.contains("\"status\":\"failed\"") || line.contains("\"status\":\"cancelled\""))) {
          throw new IllegalStateException("a job did not complete: " + line);
        }
      }
    }
    throw new IllegalStateException("the events stream ended before the job completed");
  }

  static double throughput(int jobs, List<BareClient> clients) throws Exception {
    long t = System.nanoTime();
    List<Thread> loops = new ArrayList<>();
    for (BareClient client : clients) {
      loops.add(Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < jobs / clients.size(); i++) {
            client.runOne();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (Thread loop : loops) {
      loop.join();
    }
    return (jobs / clients.size() * clients.size()) / ((System.nanoTime() - t) / 1e9);
  }

  /** The least a program can do to run a prompt on ComfyUI and get its output: no queue, nothing stored. */
  static final class BareClient implements WebSocket.Listener, AutoCloseable {
    private final String base;
    private final String graph;
    private final String clientId = UUID.randomUUID().toString();
    private final ConcurrentHashMap<String, CountDownLatch> done = new ConcurrentHashMap<>();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    BareClient(String base, String graph) {
      this.base = base;
      this.graph = graph;
      this.socket = BenchServer.HTTP.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/ws?clientId=" + clientId), this).join();
    }

    void runOne() throws Exception {
      String promptId = UUID.randomUUID().toString();
      CountDownLatch finished = new CountDownLatch(1);
      done.put(promptId, finished);
      String body = "{\"prompt\": " + graph + ", \"client_id\": \"" + clientId + "\", \"prompt_id\": \"" + promptId + "\"}";
      send(HttpRequest.newBuilder(URI.create(base + "/prompt")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
      finished.await();
      String history = send(HttpRequest.newBuilder(URI.create(base + "/history/" + promptId)).GET());
      Matcher file = FILENAME.matcher(history);
      if (!file.find()) {
        throw new IllegalStateException("no output in " + history);
      }
      HttpResponse<byte[]> video = BenchServer.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/view?filename=" + enc(file.group(1)) + "&subfolder=" + enc(file.group(2)) + "&type=output")).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (video.statusCode() != 200 || video.body().length == 0) {
        throw new IllegalStateException("no video: " + video.statusCode());
      }
      done.remove(promptId);
    }

    private static String send(HttpRequest.Builder request) throws Exception {
      HttpResponse<String> response = BenchServer.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(response.statusCode() + " " + response.body());
      }
      return response.body();
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        // The prompt's last message: "executing" with a null node, sent once its history entry is written.
        if (message.contains("\"type\":\"executing\"") && message.contains("\"node\":null")) {
          Matcher id = Pattern.compile("\"prompt_id\":\"([^\"]+)\"").matcher(message);
          if (id.find() && done.containsKey(id.group(1))) {
            done.get(id.group(1)).countDown();
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
