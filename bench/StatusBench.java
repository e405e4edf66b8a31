import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a key check costs (run it with bench/status.sh): one real `./kino serve`, one queued job of a user key, then
 * wrk (2 threads, 32 connections, 10 s each) against /healthz (no key) and that job's status route (Bearer key,
 * looked up through the key cache; repeated polls answered from the kept answer), and the same poll made to take
 * the full route every time (a query string), side by side in one run, twice each in turns. Prints requests/s
 * and the ratios. Asserts nothing.
 */
public class StatusBench {
  static final Pattern SECRET = Pattern.compile("\"secret\":\"([^\"]+)\"");
  static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

  public static void main(String[] args) throws Exception {
    String seconds = args.length > 0 ? args[0] : "10";
    Path dataDir = Files.createTempDirectory("kino-bench-status-");
    BenchServer server = BenchServer.start(dataDir, 0, 0);
    try {
      String key = BenchServer.field(SECRET, server.post("/v1/keys", "{\"name\": \"poller\"}"));
      String id = BenchServer.field(BenchServer.ID, server.postAs(key, "/v1/models/kling/kling-3.0/standard/text-to-video", "{\"prompt\": \"poll me\"}"));
      String health = server.base + "/healthz";
      String status = server.base + "/v1/requests/" + id + "/status";
      wrk(health, null, "3"); // warm-up
      // A query string is never answered from memory: every poll of this URL takes the full route.
      String full = status + "?full=1";
      wrk(status, key, "3");
      wrk(full, key, "3");
      double[] h = new double[2];
      double[] s = new double[2];
      double[] f = new double[2];
      for (int round = 0; round < 2; round++) {
        h[round] = wrk(health, null, seconds);
        s[round] = wrk(status, key, seconds);
        f[round] = wrk(full, key, seconds);
      }
      double healthRate = (h[0] + h[1]) / 2;
      double statusRate = (s[0] + s[1]) / 2;
      System.out.printf(Locale.ROOT, "/healthz:                 %,.0f requests/s (rounds %,.0f and %,.0f)%n", healthRate, h[0], h[1]);
      System.out.printf(Locale.ROOT, "GET /v1/requests/{id}/status: %,.0f requests/s (rounds %,.0f and %,.0f)%n", statusRate, s[0], s[1]);
      double fullRate = (f[0] + f[1]) / 2;
      System.out.printf(Locale.ROOT, "the same, full route:     %,.0f requests/s (rounds %,.0f and %,.0f)%n", fullRate, f[0], f[1]);
      System.out.printf(Locale.ROOT, "status / healthz:         %.2f (full route %.2f)%n", statusRate / healthRate, fullRate / healthRate);
    } finally {
      server.stop();
    }
  }

  private static double wrk(String url, String key, String seconds) throws Exception {
    List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c32", "-d" + seconds + "s"));
    if (key != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + key));
    }
    command.add(url);
    Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (wrk.waitFor() != 0 || out.contains("Non-2xx")) {
      throw new IllegalStateException("wrk against " + url + ":\n" + out);
    }
    return Double.parseDouble(BenchServer.field(RATE, out));
  }
}
