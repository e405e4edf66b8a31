import dev.kino.database.SqliteDatabase;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.NewJob;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  static final String MODEL = "kling/kling-3.0/standard/text-to-video";

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int queued = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    streamsAndLatency(streams);
    queuePosition(queued);
    System.exit(0);
  }

  static void streamsAndLatency(int streams) throws Exception {
    Path dataDir = Files.createTempDirectory("kino-bench-events-");
    System.out.printf(Locale.ROOT, "Kino events benchmark: %d streams, data dir %s, %d CPUs%n", streams, dataDir, Runtime.getRuntime().availableProcessors());
    BenchServer server = BenchServer.start(dataDir, 0, 0);
    String body = "{\"prompt\": \"benchmark\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      ids.add(server.submit(MODEL, body));
    }
    Thread.sleep(2000);
    long rssBefore = server.rssKb();

    long[] received = new long[streams];
    long[] serverStamp = new long[streams];
    CountDownLatch opened = new CountDownLatch(streams);
    CountDownLatch finished = new CountDownLatch(streams);
    AtomicInteger failures = new AtomicInteger();
    ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
    // While the streams connect in one burst, a load balancer's health check keeps asking.
    List<Long> healthNanos = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Long> connectNanos = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread healthProbe = Thread.ofPlatform().daemon().start(() -> {
      URI base = URI.create(server.base);
      while (opened.getCount() > 0) {
        long t = System.nanoTime();
        // A new connection each time, as a load balancer's check makes it.
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
          connectNanos.add(System.nanoTime() - t);
          socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          socket.getInputStream().readAllBytes();
          healthNanos.add(System.nanoTime() - t);
          Thread.sleep(20);
        } catch (Exception e) {
          healthNanos.add(System.nanoTime() - t);
        }
      }
    });
    long openStart = System.nanoTime();
    for (int i = 0; i < streams; i++) {
      int n = i;
      readers.execute(() -> {
        try {
          HttpResponse<InputStream> response = BenchServer.HTTP.send(
              HttpRequest.newBuilder(URI.create(server.base + "/v1/requests/" + ids.get(n) + "/events")).header("Authorization", "Bearer " + BenchServer.KEY).build(),
              HttpResponse.BodyHandlers.ofInputStream());
          try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            boolean first = true;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
              if (line.startsWith("data: ") && first) {
                first = false;
                opened.countDown(); // the in_queue event: the stream is live
              } else if (line.startsWith("data: ") && line.contains("\"cancelled\"")) {
                received[n] = System.nanoTime();
                long stamped = Instant.parse(BenchServer.field(Pattern.compile("\"timestamp\":\"([^\"]+)\""), line)).toEpochMilli();
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
    healthProbe.join();
    BenchServer.report("/healthz while the " + streams + " streams connect", healthNanos.stream().mapToLong(Long::longValue).toArray());
    BenchServer.report("  of which the TCP connect", connectNanos.stream().mapToLong(Long::longValue).toArray());
    Thread.sleep(3000);
    long rssHeld = server.rssKb();
    System.out.printf(Locale.ROOT, "server RSS: %d MB with no stream, %d MB with %d open: %.1f KB per stream%n",
        rssBefore / 1024, rssHeld / 1024, streams, (rssHeld - rssBefore) / (double) streams);
    System.out.printf(Locale.ROOT, "server threads with %d streams open: %d%n", streams, server.threads());

    long[] sent = new long[streams];
    for (int i = 0; i < streams; i++) {
      sent[i] = System.nanoTime();
      server.post("/v1/requests/" + ids.get(i) + "/cancel", "");
    }
    finished.await(120, TimeUnit.SECONDS);
    long[] viaCancel = new long[streams];
    long[] fromStamp = new long[streams];
    for (int i = 0; i < streams; i++) {
      viaCancel[i] = received[i] - sent[i];
      fromStamp[i] = serverStamp[i] * 1_000_000L;
    }
    BenchServer.report("cancel sent -> 'cancelled' event read by its stream, " + streams + " streams open", viaCancel);
    BenchServer.report("event timestamp (server, ms) -> read by the client (ms resolution)", fromStamp);
    server.stop();
  }

  static void queuePosition(int queued) throws Exception {
    Path dir = Files.createTempDirectory("kino-bench-queue-");
    try (SqliteDatabase db = SqliteDatabase.open(dir)) {
      JobRequests store = JobStore.on(db, new EventHub()).requests();
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
      BenchServer.report("queue_position, last in a queue of " + (queued + 1), tail);
      BenchServer.report("queue_position, random positions in a queue of " + (queued + 1), anywhere);
    }
  }
}
