package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.SharedServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests Jetty refuses before Kino's routes see them, sent byte by byte over a socket: they are
 * answered in Kino's JSON error shape, not Jetty's HTML page.
 */
class HttpRefusalsTest {
  @RegisterExtension static final SharedServer SERVER = new SharedServer(0);

  @Test
  void a_malformed_uri_is_a_json_400() throws Exception {
    Raw answer = send("GET /v1/models/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().path("detail").path("reason").asString()).isEqualTo("bad_request");
    assertThat(answer.json().path("error_code").asInt()).isEqualTo(400007);
  }

  @Test
  void a_uri_too_long_is_a_json_414() throws Exception {
    Raw answer =
        send(
            "GET /v1/models?q="
                + "a".repeat(20_000)
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(answer.status()).isEqualTo(414);
    assertThat(answer.json().path("detail").path("reason").asString()).isEqualTo("uri_too_long");
  }

  @Test
  void headers_too_large_are_a_json_431() throws Exception {
    Raw answer =
        send(
            "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");

    assertThat(answer.status()).isEqualTo(431);
    assertThat(answer.json().path("detail").path("reason").asString())
        .isEqualTo("headers_too_large");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"prompt\": \"p\"", "{\"a\": NaN}", "[1, 2", "{\"prompt\": \"p\",}"})
  void malformed_json_is_described_in_the_clients_terms_with_where(String body) {
    Api.Answer answer = SERVER.api().submit("kling/kling-3.0/standard/text-to-video", body);

    assertThat(answer.status()).isEqualTo(400);
    String message = answer.body().path("error_message").asString();
    assertThat(message).contains("line 1, column").doesNotContain("`").doesNotContain("Feature");
  }

  private static Raw send(String request) throws Exception {
    URI base = URI.create(SERVER.api().base());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      String headers = text.substring(0, text.indexOf("\r\n\r\n")).toLowerCase();
      assertThat(headers).contains("content-type: application/json");
      return new Raw(
          status, JsonMapper.shared().readTree(text.substring(text.indexOf("\r\n\r\n") + 4)));
    }
  }

  record Raw(int status, JsonNode json) {}
}
