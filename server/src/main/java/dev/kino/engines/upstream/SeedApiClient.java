package dev.kino.engines.upstream;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seed API as a provider serves it (RunComfy's Model API, or another Kino): submit, status, result, cancel,
 * with a Bearer key. A call the provider cannot take now (429) throws {@link Busy}; one it refuses for good (any
 * other 4xx) throws {@link Refused} with its message; an unreachable provider or a 5xx throws
 * {@link IOException}, which callers treat as passing.
 */
final class SeedApiClient implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** The provider is at its concurrency or rate limit: try again after {@code retryAfter}. */
  static final class Busy extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Duration retryAfter;

    Busy(Duration retryAfter, String message) {
      super(message);
      this.retryAfter = retryAfter;
    }
  }

  /** The provider refused the call (4xx other than 429); the message is the provider's. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /**
   * Starts a request; returns the provider's request id. The idempotency key lets a provider that honours it
   * (Kino does) answer a repeated submit with the first request instead of a second run.
   */
  String submit(UpstreamModel model, ObjectNode input, String idempotencyKey) throws IOException, InterruptedException, Busy, Refused {
    HttpRequest.Builder request = call(model, "/v1/models/" + model.providerModel())
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(input)));
    String id = send(request).path("request_id").asString("");
    if (id.isBlank()) {
      throw new IOException("the provider's submit answer has no request_id");
    }
    return id;
  }

  JsonNode status(UpstreamModel model, String requestId) throws IOException, InterruptedException, Busy, Refused {
    return send(call(model, "/v1/requests/" + enc(requestId) + "/status").GET());
  }

  JsonNode result(UpstreamModel model, String requestId) throws IOException, InterruptedException, Busy, Refused {
    return send(call(model, "/v1/requests/" + enc(requestId) + "/result").GET());
  }

  /** Asks the provider to cancel; its answer's {@code outcome} ({@code cancelled} or {@code not_cancellable}). */
  String cancel(UpstreamModel model, String requestId) throws IOException, InterruptedException, Busy, Refused {
    return send(call(model, "/v1/requests/" + enc(requestId) + "/cancel").POST(HttpRequest.BodyPublishers.noBody()))
        .path("outcome").asString("not_cancellable");
  }

  private HttpRequest.Builder call(UpstreamModel model, String path) {
    return HttpRequest.newBuilder(URI.create(model.baseUrl() + path))
        .timeout(CALL_TIMEOUT)
        .header("Authorization", "Bearer " + model.apiKey())
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException, Busy, Refused {
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    int status = response.statusCode();
    if (status == 429) {
      long seconds = response.headers().firstValue("Retry-After").flatMap(SeedApiClient::seconds).orElse(2L);
      throw new Busy(Duration.ofSeconds(Math.clamp(seconds, 1, 60)), message(response));
    }
    if (status >= 500) {
      throw new IOException("the provider answered " + status + ": " + message(response));
    }
    if (status >= 400) {
      throw new Refused(status, message(response));
    }
    try {
      return JSON.readTree(response.body());
    } catch (JacksonException e) {
      throw new IOException("the provider did not answer JSON: " + e.getOriginalMessage());
    }
  }

  /** The provider's error message: the seed platform's {@code error_message}, else the body's start. */
  private static String message(HttpResponse<String> response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      String text = body.path("error_message").asString(body.path("error").path("message").asString(body.path("message").asString("")));
      if (!text.isBlank()) {
        return text;
      }
    } catch (JacksonException notJson) {
      // fall through
    }
    String body = response.body() == null ? "" : response.body().strip();
    return body.isEmpty() ? "HTTP " + response.statusCode() : body.substring(0, Math.min(200, body.length()));
  }

  private static Optional<Long> seconds(String header) {
    try {
      return Optional.of(Long.parseLong(header.strip()));
    } catch (NumberFormatException httpDate) {
      return Optional.empty();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.close();
  }
}
