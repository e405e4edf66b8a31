import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real `./kino serve` process on a free loopback port for the benchmarks, with an operator admin key, and the
 * little they share: JSON calls, fields from answers, /proc figures and percentile lines.
 */
final class BenchServer {
  static final String KEY = "bench-admin-key-0123456789";
  static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  static final Pattern ID = Pattern.compile("\"request_id\":\"([^\"]+)\"");

  final Path dataDir;
  final String base;
  final Process process;

  private BenchServer(Path dataDir, String base, Process process) {
    this.dataDir = dataDir;
    this.base = base;
    this.process = process;
  }

  /** Starts a server on the data directory (and port, 0 for a free one) and waits until it answers. */
  static BenchServer start(Path dataDir, int port, int workers) throws Exception {
    return start(dataDir, port, workers, List.of());
  }

  /** The same, with more `serve` flags (e.g. --comfyui). */
  static BenchServer start(Path dataDir, int port, int workers, List<String> flags) throws Exception {
    int chosen = port == 0 ? freePort() : port;
    List<String> command = new ArrayList<>(List.of("./kino", "serve", "--data-dir", dataDir.toString(), "--port", Integer.toString(chosen), "--workers", Integer.toString(workers)));
    command.addAll(flags);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(dataDir.resolve("server-" + workers + ".log").toFile());
    builder.environment().put("KINO_ADMIN_KEY", KEY);
    BenchServer server = new BenchServer(dataDir, "http://127.0.0.1:" + chosen, builder.start());
    for (int i = 0; i < 600; i++) {
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create(server.base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("server did not start; see " + dataDir);
  }

  int port() {
    return URI.create(base).getPort();
  }

  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  String submit(String model, String body) throws Exception {
    return field(ID, post("/v1/models/" + model, body));
  }

  String get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  String post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A POST with another key than the admin's (e.g. one the benchmark made). */
  String postAs(String key, String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), key);
  }

  String getAs(String key, String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), key);
  }

  private String send(HttpRequest.Builder request) throws Exception {
    return send(request, KEY);
  }

  private String send(HttpRequest.Builder request, String key) throws Exception {
    HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      throw new IllegalStateException(response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  /** `./kino serve` replaces itself with the JVM (exec), so the process started is the server. */
  long rssKb() throws IOException {
    return procStatus("VmRSS:");
  }

  long threads() throws IOException {
    return procStatus("Threads:");
  }

  private long procStatus(String key) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"));
    return lines.stream().filter(l -> l.startsWith(key)).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1L);
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

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
