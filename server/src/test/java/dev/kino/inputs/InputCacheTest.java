package dev.kino.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kino.network.AddressPolicy;
import dev.kino.testing.MutableClock;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetched inputs are reused: within the freshness window without asking, afterwards with a
 * conditional request (a 304 costs no body), and a changed file is fetched again. The origin is a
 * loopback server that counts what it is asked, standing in for an image host that sends ETags.
 */
class InputCacheTest {
  final AtomicInteger fullResponses = new AtomicInteger();
  final AtomicInteger notModified = new AtomicInteger();
  final AtomicReference<byte[]> content = new AtomicReference<>("version one".getBytes());
  final MutableClock clock = new MutableClock();
  HttpServer origin;
  InputFiles inputs;

  @BeforeEach
  void start(@TempDir Path cacheDir) throws Exception {
    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext(
        "/",
        exchange -> {
          String etag = "\"" + Integer.toHexString(java.util.Arrays.hashCode(content.get())) + "\"";
          if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.incrementAndGet();
            exchange.sendResponseHeaders(304, -1);
          } else {
            fullResponses.incrementAndGet();
            exchange.getResponseHeaders().add("ETag", etag);
            exchange.sendResponseHeaders(200, content.get().length);
            exchange.getResponseBody().write(content.get());
          }
          exchange.close();
        });
    origin.start();
    UrlFetcher fetcher = new UrlFetcher(new AddressPolicy(List.of("127.0.0.1")));
    inputs =
        new InputFiles(
            fetcher,
            UploadedFiles.NONE,
            new InputCache(cacheDir, Duration.ofMinutes(10), 1 << 20, clock));
  }

  @AfterEach
  void stop() {
    inputs.close();
    origin.stop(0);
  }

  @Test
  void a_url_used_twice_within_the_window_is_downloaded_once() throws Exception {
    assertThat(read("/a.png")).isEqualTo("version one");
    assertThat(read("/a.png")).isEqualTo("version one");

    assertThat(fullResponses.get()).isEqualTo(1);
    assertThat(notModified.get()).isZero();
  }

  @Test
  void after_the_window_an_unchanged_file_is_revalidated_without_a_body() throws Exception {
    read("/a.png");
    clock.advance(Duration.ofMinutes(11));

    assertThat(read("/a.png")).isEqualTo("version one");
    assertThat(fullResponses.get()).isEqualTo(1);
    assertThat(notModified.get()).isEqualTo(1);
  }

  @Test
  void after_the_window_a_changed_file_is_fetched_again() throws Exception {
    read("/a.png");
    content.set("version two".getBytes());
    clock.advance(Duration.ofMinutes(11));

    assertThat(read("/a.png")).isEqualTo("version two");
    assertThat(fullResponses.get()).isEqualTo(2);
  }

  @Test
  void each_caller_gets_its_own_copy_and_closing_it_leaves_the_cache_intact() throws Exception {
    LocalInput first = inputs.open("start_image_url", url("/a.png"), 1024);
    LocalInput second = inputs.open("start_image_url", url("/a.png"), 1024);

    assertThat(first.path()).isNotEqualTo(second.path());
    first.close();
    assertThat(Files.exists(first.path())).isFalse();
    assertThat(Files.readString(second.path())).isEqualTo("version one");
    second.close();
    assertThat(read("/a.png")).isEqualTo("version one");
    assertThat(fullResponses.get()).isEqualTo(1);
  }

  private String read(String path) throws Exception {
    try (LocalInput input = inputs.open("start_image_url", url(path), 1024)) {
      return Files.readString(input.path());
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + origin.getAddress().getPort() + path;
  }
}
