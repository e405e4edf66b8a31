package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.HttpSettings;
import dev.kino.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Links in answers come from --public-url, or from a Host that names this server: a request naming
 * another site is refused instead of getting signed links to it.
 */
class HostHeaderTest {
  static final String SUBMIT = "{\"prompt\": \"p\", \"duration\": 3}";

  @Test
  void a_host_that_is_not_this_server_is_refused_and_no_link_names_it() throws Exception {
    try (TestServer server = TestServer.start(0)) {
      String answer = submit(server, "evil.example");

      assertThat(answer).startsWith("HTTP/1.1 400").contains("host_not_allowed");
      assertThat(answer).doesNotContain("http://evil.example");
    }
  }

  @Test
  void loopback_names_and_allowed_hosts_get_links_on_the_name_they_used() throws Exception {
    try (TestServer server =
        TestServer.start(
            s ->
                s.withWorkers(0).withHttp(new HttpSettings(List.of("kino.internal"), 8_000_000)))) {
      assertThat(submit(server, "localhost"))
          .startsWith("HTTP/1.1 200")
          .contains("http://localhost:");
      assertThat(submit(server, "kino.internal"))
          .startsWith("HTTP/1.1 200")
          .contains("http://kino.internal:");
      assertThat(submit(server, "other.internal")).startsWith("HTTP/1.1 400");
    }
  }

  @Test
  void with_a_public_url_the_host_header_plays_no_part() throws Exception {
    try (TestServer server =
        TestServer.start(
            s -> s.withWorkers(0).withPublicUrl(URI.create("https://video.example.com")))) {
      String answer = submit(server, "evil.example");

      assertThat(answer).startsWith("HTTP/1.1 200").contains("https://video.example.com/v1/");
      assertThat(answer).doesNotContain("evil.example");
    }
  }

  /** A submit over a socket, with the Host header as given (an HTTP client would set its own). */
  private static String submit(TestServer server, String host) throws Exception {
    byte[] body = SUBMIT.getBytes(StandardCharsets.UTF_8);
    String request =
        "POST /v1/models/kling/kling-3.0/standard/text-to-video HTTP/1.1\r\n"
            + "Host: "
            + host
            + ":"
            + server.port()
            + "\r\n"
            + "Authorization: Bearer "
            + TestServer.ADMIN_KEY
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n"
            + "Connection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
