package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kino.inputs.InputException;
import dev.kino.inputs.UrlFetcher;
import dev.kino.network.AddressPolicy;
import dev.kino.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Server-side request forgery, end to end. A canary listens on loopback (IPv4 and IPv6) where an
 * attacker would aim; the server allows only 127.0.0.2, which stands in for a public image host.
 * Every payload in the corpus must be refused at submit with a 4xx naming the field and the reason,
 * and must be refused again by the fetcher itself (the job-time path, for URLs that got past
 * submit); a redirect from the allowed host into loopback is refused when the job fetches it. The
 * canary must never see a connection.
 */
class SsrfEndToEndTest {
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final List<ServerSocket> CANARIES = new ArrayList<>();
  static final AtomicInteger CANARY_CONNECTIONS = new AtomicInteger();
  static int port;
  static TestServer server;
  static HttpServer publicHost;

  @BeforeAll
  static void start() throws IOException {
    ServerSocket v4 = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    port = v4.getLocalPort();
    CANARIES.add(v4);
    CANARIES.add(new ServerSocket(port, 50, InetAddress.getByName("::1")));
    for (ServerSocket canary : CANARIES) {
      Thread.ofVirtual()
          .start(
              () -> {
                while (!canary.isClosed()) {
                  try (Socket ignored = canary.accept()) {
                    CANARY_CONNECTIONS.incrementAndGet();
                  } catch (IOException closed) {
                    return;
                  }
                }
              });
    }
    publicHost = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    publicHost.createContext(
        "/",
        exchange -> {
          String target = exchange.getRequestURI().getQuery().substring("to=".length());
          exchange.getResponseHeaders().add("Location", target);
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    publicHost.start();
    server = TestServer.start(s -> s.withFetchAllow(List.of("127.0.0.2")).withWorkers(1));
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    publicHost.stop(0);
    for (ServerSocket canary : CANARIES) {
      canary.close();
    }
  }

  static Stream<String> payloads() {
    String p = ":" + port;
    return Stream.of(
        "http://127.0.0.1" + p + "/a.png",
        "https://127.0.0.1" + p + "/a.png",
        "http://2130706433" + p + "/a.png",
        "http://0x7f000001" + p + "/a.png",
        "http://0177.0.0.1" + p + "/a.png",
        "http://0x7f.0.0.1" + p + "/a.png",
        "http://127.1" + p + "/a.png",
        "http://127.0.1" + p + "/a.png",
        "http://[::1]" + p + "/a.png",
        "http://[0:0:0:0:0:0:0:1]" + p + "/a.png",
        "http://[::ffff:127.0.0.1]" + p + "/a.png",
        "http://[::ffff:7f00:1]" + p + "/a.png",
        "http://[64:ff9b::7f00:1]" + p + "/a.png",
        "http://[64:ff9b::127.0.0.1]" + p + "/a.png",
        "http://[64:ff9b:1::7f00:1]" + p + "/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://metadata/computeMetadata/v1/",
        "http://100.64.0.1/a.png",
        "http://0.0.0.0" + p + "/a.png",
        "http://0" + p + "/a.png",
        "http://[::]" + p + "/a.png",
        "http://[fd00::1]/a.png",
        "http://[fe80::1]/a.png",
        "http://10.0.0.1/a.png",
        "http://192.168.1.1/a.png",
        "http://224.0.0.1/a.png",
        "https://192.0.2.1/a.png",
        "https://198.51.100.7/a.png",
        "https://203.0.113.9/a.png",
        "https://192.88.99.1/a.png",
        "https://198.18.0.1/a.png",
        "https://240.0.0.1/a.png",
        "https://[2001:db8::1]/a.png",
        "https://[100::1]/a.png",
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/a.png",
        "https://[::ffff:0:c000:201]/a.png",
        "http://localhost" + p + "/a.png",
        "http://loopback.kino.test" + p + "/a.png",
        "https://loopback.kino.test" + p + "/a.png",
        "https://loopback6.kino.test" + p + "/a.png",
        "https://intranet.kino.test/a.png",
        "https://ip6-localhost" + p + "/a.png",
        "file:///etc/passwd",
        "ftp://127.0.0.1" + p + "/a.png",
        "gopher://127.0.0.1" + p + "/_GET%20/",
        "dict://127.0.0.1" + p + "/info",
        "jar:http://127.0.0.1" + p + "/a.jar!/a.png",
        "https://user:pass@127.0.0.1" + p + "/a.png");
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void is_refused_at_submit_with_a_4xx_naming_the_field_and_reason(String url) {
    var answer =
        server.api().submit(I2V, "{\"prompt\": \"p\", \"start_image_url\": \"" + url + "\"}");

    assertThat(answer.status()).as(url).isEqualTo(422);
    JsonNode error = answer.body().at("/detail/errors/0");
    assertThat(error.path("path").asString()).isEqualTo("start_image_url");
    assertThat(error.path("code").asString()).as(url).isIn("url_forbidden", "invalid_url");
    assertThat(error.path("message").asString())
        .contains(url.substring(0, Math.min(url.length(), 20)));
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void is_refused_by_the_fetcher_itself(String url) {
    try (UrlFetcher fetcher = new UrlFetcher(new AddressPolicy(List.of("127.0.0.2")))) {
      assertThatThrownBy(() -> fetcher.fetch("start_image_url", url, 1024))
          .as(url)
          .isInstanceOfSatisfying(
              InputException.class, e -> assertThat(e.code()).isIn("url_forbidden", "invalid_url"));
    }
  }

  @Test
  void a_redirect_from_an_allowed_host_into_loopback_fails_the_job_as_url_forbidden() {
    for (String target :
        List.of(
            "http://127.0.0.1:" + port + "/a.png",
            "http://loopback.kino.test:" + port + "/a.png",
            "http://[::1]:" + port + "/")) {
      String url = "http://127.0.0.2:" + publicHost.getAddress().getPort() + "/go?to=" + target;
      String id =
          server
              .api()
              .submitOk(
                  I2V,
                  "{\"prompt\": \"p\", \"duration\": 3, \"start_image_url\": \"" + url + "\"}");

      JsonNode result = server.api().awaitState(id, Duration.ofSeconds(30), "failed", "completed");

      assertThat(result.path("status").asString()).isEqualTo("failed");
      assertThat(result.toString()).contains("url_forbidden");
    }
  }

  /** After every payload has been tried (a failure here fails the class). */
  @AfterAll
  static void noConnectionReachedTheCanary() {
    assertThat(CANARY_CONNECTIONS.get()).as("connections to the loopback canary").isZero();
  }
}
