package dev.kino.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.network.AddressPolicy;
import dev.kino.network.HostResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies that would exhaust disk, memory or a worker's time are cut at the size cap or the time
 * limit, and the partial download is gone afterwards. Limits are shrunk so the tests run in
 * seconds: a 1 MB cap, 1 s of silence, 4 s in total, at least 64 KB/s after a 1 s grace.
 */
class FetchLimitsTest {
  static final long CAP = 1024 * 1024;
  static final FetchLimits LIMITS =
      new FetchLimits(
          Duration.ofSeconds(2),
          Duration.ofSeconds(4),
          Duration.ofSeconds(1),
          64 * 1024,
          Duration.ofSeconds(1));
  // A folder of the test's own: other test JVMs fetch into the system's temporary folder at the
  // same time, so a count there would see their files come and go.
  @TempDir Path downloads;
  UrlFetcher fetcher;

  @BeforeEach
  void fetchIntoAFolderOfItsOwn() {
    fetcher =
        new UrlFetcher(
            new AddressPolicy(List.of("127.0.0.1")), HostResolver.system(), LIMITS, downloads);
  }

  @AfterEach
  void nothingIsLeftOnDisk() throws IOException {
    fetcher.close();
    try (Stream<Path> files = Files.list(downloads)) {
      assertThat(files).as("partial downloads left behind").isEmpty();
    }
  }

  @Test
  void an_endless_chunked_body_is_cut_at_the_cap() throws Exception {
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> {
              MisbehavingServer.head(out, "Transfer-Encoding: chunked");
              byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes();
              while (true) {
                out.write(chunk);
              }
            })) {
      assertRefused(server.url("/endless.png"), "too_large");
    }
  }

  @Test
  void a_body_without_length_that_never_ends_is_cut_at_the_cap() throws Exception {
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> {
              MisbehavingServer.head(out, "Connection: close");
              byte[] block = new byte[64 * 1024];
              while (true) {
                out.write(block);
              }
            })) {
      assertRefused(server.url("/stream.png"), "too_large");
    }
  }

  @Test
  void a_declared_length_over_the_cap_is_refused_before_the_body() throws Exception {
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> MisbehavingServer.head(out, "Content-Length: " + (CAP * 50)))) {
      assertRefused(server.url("/big.png"), "too_large");
    }
  }

  @Test
  void a_small_declared_length_does_not_let_a_larger_body_in() throws Exception {
    // Claims 1 KB, sends 3 MB: only the declared kilobyte is read as the file; the rest is not a
    // body at all.
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> {
              MisbehavingServer.head(out, "Content-Length: 1024");
              out.write(new byte[3 * 1024 * 1024]);
            })) {
      Path file = fetcher.fetch("start_image_url", server.url("/liar.png"), CAP);
      try {
        assertThat(Files.size(file)).isEqualTo(1024);
      } finally {
        Files.delete(file);
      }
    }
  }

  @Test
  void a_body_shorter_than_its_declared_length_fails_without_a_partial_file() throws Exception {
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> {
              MisbehavingServer.head(out, "Content-Length: 500000");
              out.write(new byte[1000]);
            })) {
      assertRefused(server.url("/short.png"), "fetch_failed");
    }
  }

  @Test
  void a_trickling_body_is_cut_for_being_slower_than_the_minimum_rate() throws Exception {
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> {
              MisbehavingServer.head(out, "Content-Length: 900000");
              for (int i = 0; i < 1000; i++) {
                out.write(new byte[100]);
                out.flush();
                Thread.sleep(100);
              }
            })) {
      assertThatThrownBy(() -> fetcher.fetch("start_image_url", server.url("/trickle.png"), CAP))
          .isInstanceOfSatisfying(
              InputException.class,
              e -> {
                assertThat(e.code()).isEqualTo("fetch_timeout");
                assertThat(e.getMessage())
                    .as("cut by the rate, not by the 4 s total")
                    .contains("slower than the minimum of 64 KB/s");
              });
    }
  }

  @Test
  void silence_after_the_headers_is_cut_by_the_idle_timeout() throws Exception {
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> {
              MisbehavingServer.head(out, "Content-Length: 1000");
              Thread.sleep(30_000);
            })) {
      assertRefused(server.url("/silent.png"), "fetch_timeout");
    }
  }

  @Test
  void a_server_that_never_answers_is_cut_by_the_timeouts() throws Exception {
    try (MisbehavingServer server = new MisbehavingServer(out -> Thread.sleep(30_000))) {
      assertRefused(server.url("/mute.png"), "fetch_timeout");
    }
  }

  @Test
  void gzip_is_not_inflated_so_a_compression_bomb_stays_small() throws Exception {
    byte[] gzipped = gzip(new byte[(int) CAP * 20]);
    try (MisbehavingServer server =
        new MisbehavingServer(
            out -> {
              MisbehavingServer.head(
                  out, "Content-Encoding: gzip", "Content-Length: " + gzipped.length);
              out.write(gzipped);
            })) {
      Path file = fetcher.fetch("start_image_url", server.url("/bomb.png"), CAP);
      try {
        assertThat(Files.size(file)).isEqualTo(gzipped.length);
      } finally {
        Files.delete(file);
      }
    }
  }

  @Test
  void dns_rebinding_between_the_submit_check_and_the_fetch_is_caught_when_connecting()
      throws Exception {
    // The first answer is public (what the submit-time check sees), every later one is loopback
    // (what an attacker's DNS server returns when the fetcher connects).
    AtomicInteger lookups = new AtomicInteger();
    HostResolver rebinding =
        host ->
            List.of(
                InetAddress.getByName(
                    lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1"));
    try (MisbehavingServer canary =
            new MisbehavingServer(out -> MisbehavingServer.head(out, "Content-Length: 0"));
        UrlFetcher guarded = new UrlFetcher(new AddressPolicy(List.of()), rebinding, LIMITS)) {
      String url = canary.url("/a.png").replace("http://127.0.0.1", "https://rebind.example");

      guarded.checkResolved("start_image_url", url);
      assertThatThrownBy(() -> guarded.fetch("start_image_url", url, CAP))
          .isInstanceOfSatisfying(
              InputException.class,
              e -> {
                assertThat(e.code()).isEqualTo("url_forbidden");
                assertThat(e.getMessage()).contains("127.0.0.1");
              });
      assertThat(canary.connections.get()).isZero();
    }
  }

  private void assertRefused(String url, String code) {
    assertThatThrownBy(() -> fetcher.fetch("start_image_url", url, CAP))
        .isInstanceOfSatisfying(
            InputException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  private static byte[] gzip(byte[] data) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }
}
