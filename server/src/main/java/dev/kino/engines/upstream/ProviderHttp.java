package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.OutputFile;
import dev.kino.inputs.InputException;
import dev.kino.inputs.MediaCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * HTTP calls to a provider's API, with one reading of their failures for every provider: a call it
 * cannot take now (its concurrency or rate limit) throws {@link Busy}; one it refuses for good
 * throws {@link Refused} with the provider's own message and answer (each provider reads it into
 * Kino's codes: {@link ProviderFailure}); an unreachable provider or a 5xx ({@link Outage}) throws
 * {@link IOException}, which callers wait out. Which answers mean "busy" and where the message is
 * differ by provider and are given at construction.
 */
final class ProviderHttp implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * One answer: status, the body as JSON (missing when it is not JSON), and Retry-After when sent.
   */
  record Reply(int status, JsonNode body, String text, Optional<Duration> retryAfter) {}

  /**
   * The provider is at its concurrency or rate limit: try again later ({@code retryAfter} when it
   * said).
   */
  static final class Busy extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Optional<Duration> retryAfter;

    Busy(Optional<Duration> retryAfter, String message) {
      super(message);
      this.retryAfter = retryAfter;
    }
  }

  /** The provider refused the call; the message is the provider's, the answer kept to read it. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Reply reply;

    Refused(Reply reply, String message) {
      super(message);
      this.status = reply.status();
      this.reply = reply;
    }
  }

  /** The provider answered with its own outage (5xx): nothing was started; try again later. */
  static final class Outage extends IOException {
    private static final long serialVersionUID = 1L;

    Outage(String message) {
      super(message);
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Predicate<Reply> busy;
  private final Function<JsonNode, String> message;

  /**
   * @param busy which failed answers mean "not now" (most providers: 429)
   * @param message the provider's error message in a failed answer's JSON body, blank when there is
   *     none
   */
  ProviderHttp(Predicate<Reply> busy, Function<JsonNode, String> message) {
    this.busy = busy;
    this.message = message;
  }

  static boolean tooManyRequests(Reply reply) {
    return reply.status() == 429;
  }

  static HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).header("Accept", "application/json");
  }

  static HttpRequest.BodyPublisher json(JsonNode body) {
    return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
  }

  /**
   * The answer's JSON body when the call succeeded (2xx); throws as the class comment says
   * otherwise.
   */
  JsonNode send(HttpRequest.Builder request)
      throws IOException, InterruptedException, Busy, Refused {
    Reply reply = exchange(request);
    if (reply.status() >= 300) {
      fail(reply);
    }
    if (reply.body().isMissingNode()) {
      throw new IOException("the provider did not answer JSON");
    }
    return reply.body();
  }

  /**
   * The answer whatever its status (for calls whose refusals mean something, like a cancel); throws
   * only on I/O.
   */
  Reply exchange(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body =
          response.body() == null || response.body().isBlank()
              ? MissingNode.getInstance()
              : JSON.readTree(response.body());
    } catch (JacksonException notJson) {
      body = MissingNode.getInstance();
    }
    Optional<Duration> retryAfter =
        response.headers().firstValue("Retry-After").flatMap(ProviderHttp::seconds);
    return new Reply(
        response.statusCode(), body, response.body() == null ? "" : response.body(), retryAfter);
  }

  /**
   * The answer's body saved to {@code target} when the call succeeded (2xx); throws as {@link
   * #send} does otherwise.
   */
  void download(HttpRequest.Builder request, Path target)
      throws IOException, InterruptedException, Busy, Refused {
    HttpResponse<Path> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofFile(target));
    if (response.statusCode() >= 300) {
      String text = Files.readString(target);
      Files.deleteIfExists(target);
      JsonNode body;
      try {
        body = text.isBlank() ? MissingNode.getInstance() : JSON.readTree(text);
      } catch (JacksonException notJson) {
        body = MissingNode.getInstance();
      }
      fail(
          new Reply(
              response.statusCode(),
              body,
              text,
              response.headers().firstValue("Retry-After").flatMap(ProviderHttp::seconds)));
    }
  }

  /**
   * The video a provider serves only with its key, downloaded into {@code workDir} and checked as
   * any video Kino keeps; {@code what} names it in messages.
   */
  List<OutputFile> keepVideo(HttpRequest.Builder request, Path workDir, String what)
      throws IOException, InterruptedException, Busy, Refused, EngineException {
    Path target = workDir.resolve("video-0.mp4");
    download(request, target);
    try {
      MediaCheck.inspect("video", what, target, Files.size(target));
    } catch (InputException e) {
      throw new EngineException(
          "output_" + e.code(), what + " could not be kept: " + e.getMessage(), e);
    }
    return List.of(new OutputFile("video", target));
  }

  /** Throws what a failed answer means: busy, a 5xx (passing), or a refusal. */
  void fail(Reply reply) throws IOException, Busy, Refused {
    String text = messageOf(reply);
    if (busy.test(reply)) {
      throw new Busy(reply.retryAfter(), text);
    }
    if (reply.status() >= 500) {
      throw new Outage("the provider answered " + reply.status() + ": " + text);
    }
    throw new Refused(reply, text);
  }

  String messageOf(Reply reply) {
    String text = reply.body().isMissingNode() ? "" : message.apply(reply.body());
    if (text != null && !text.isBlank()) {
      return text;
    }
    String body = reply.text().strip();
    return body.isEmpty()
        ? "HTTP " + reply.status()
        : body.substring(0, Math.min(200, body.length()));
  }

  private static Optional<Duration> seconds(String header) {
    try {
      return Optional.of(Duration.ofSeconds(Math.clamp(Long.parseLong(header.strip()), 1, 300)));
    } catch (NumberFormatException httpDate) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
