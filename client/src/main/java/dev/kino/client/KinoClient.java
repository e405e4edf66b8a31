package dev.kino.client;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client for Kino's API (and the seed API it extends): submit a request to a model, follow it,
 * fetch its result, download its outputs.
 *
 * <pre>{@code
 * try (KinoClient kino = KinoClient.fromEnvironment()) {            // KINO_URL, KINO_API_KEY
 *   RequestResult done = kino.run("kling/kling-3.0/standard/text-to-video",
 *       Map.of("prompt", "A lighthouse at dusk", "duration", 5));
 *   kino.download(done.outputs().video().orElseThrow(), Path.of("lighthouse.mp4"));
 * }
 * }</pre>
 *
 * <p>Calls are blocking and thread-safe. Connection failures and 429/502/503/504 answers are
 * retried with backoff (honouring Retry-After); submits carry an {@code Idempotency-Key}, so a
 * retried submit never makes a second request. Errors are {@link KinoApiException} (with the API's
 * code and field paths), {@link KinoConnectionException}, and from {@link #run}, {@link
 * RequestFailedException} and {@link RequestCancelledException}.
 */
public final class KinoClient implements AutoCloseable {
  /** Where a client built {@link #fromEnvironment()} connects when {@code KINO_URL} is unset. */
  public static final String DEFAULT_URL = "http://127.0.0.1:8080";

  private final HttpClient http;
  private final Transport transport;
  private final Follower follower;

  private KinoClient(Builder b) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.transport =
        new Transport(http, b.baseUrl, b.apiKey, b.requestTimeout, b.maxRetries, b.maxBackoff);
    this.follower = new Follower(transport);
  }

  /**
   * A client for {@code KINO_URL} (default {@link #DEFAULT_URL}) with the key in {@code
   * KINO_API_KEY}.
   */
  public static KinoClient fromEnvironment() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a client; unset values come from the environment, then the defaults. */
  public static final class Builder {
    private String baseUrl =
        Optional.ofNullable(System.getenv("KINO_URL"))
            .filter(s -> !s.isBlank())
            .orElse(DEFAULT_URL);
    private String apiKey = System.getenv("KINO_API_KEY");
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxRetries = 4;
    private Duration maxBackoff = Duration.ofSeconds(8);

    private Builder() {}

    /** The server's base URL, e.g. {@code https://kino.example.com}. */
    public Builder baseUrl(String url) {
      this.baseUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** How long one call may take (not the whole of {@link #run}, and not an events stream). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /** Retries after a connection failure or a 429/502/503/504 (0: none). */
    public Builder maxRetries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be 0 or more");
      }
      this.maxRetries = retries;
      return this;
    }

    /** The longest wait between retries (Retry-After may ask for longer, up to a minute). */
    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = backoff;
      return this;
    }

    public KinoClient build() {
      if (apiKey == null || apiKey.isBlank()) {
        throw new KinoException("no API key: pass one to the builder or set KINO_API_KEY");
      }
      if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
        throw new KinoException("the base URL must start with http:// or https://, got " + baseUrl);
      }
      return new KinoClient(this);
    }
  }

  /** The server this client talks to. */
  public String baseUrl() {
    return transport.base();
  }

  /** Queues a request; the input is the model's fields (see {@link #model}). */
  public Submission submit(String modelId, Map<String, ?> input) {
    return submit(modelId, JsonMapper.shared().valueToTree(input), SubmitOptions.none());
  }

  /**
   * Queues a request given as a JSON object, with Kino's extras (webhook, your own idempotency
   * key).
   */
  public Submission submit(String modelId, JsonNode input, SubmitOptions options) {
    if (!input.isObject()) {
      throw new IllegalArgumentException("the input must be a JSON object of the model's fields");
    }
    ObjectNode body = ((ObjectNode) input).deepCopy();
    options.webhookUrl().ifPresent(url -> body.put("webhook_url", url));
    if (options.webhookOnStart()) {
      body.put("webhook_on_start", true);
    }
    Map<String, String> headers = new HashMap<>();
    headers.put(
        "Idempotency-Key",
        options.idempotencyKey().orElseGet(() -> "kino-java-" + UUID.randomUUID()));
    JsonNode answer = transport.post("/v1/models/" + modelId, body, headers);
    return new Submission(
        answer.path("request_id").asString(),
        answer.path("status_url").asString(),
        answer.path("result_url").asString(),
        answer.path("cancel_url").asString(),
        answer.hasNonNull("events_url")
            ? Optional.of(answer.path("events_url").asString())
            : Optional.empty());
  }

  public RequestStatus status(String requestId) {
    return RequestStatus.from(transport.get("/v1/requests/" + requestId + "/status"));
  }

  public RequestResult result(String requestId) {
    return RequestResult.from(transport.get("/v1/requests/" + requestId + "/result"));
  }

  /**
   * Cancels a queued request; true when it was cancelled, false when it had already started or
   * ended.
   */
  public boolean cancel(String requestId) {
    return transport
        .post(
            "/v1/requests/" + requestId + "/cancel",
            JsonMapper.shared().createObjectNode(),
            Map.of())
        .path("outcome")
        .asString()
        .equals("cancelled");
  }

  /**
   * Follows a request until it ends, calling the listener on this thread for every event (status
   * changes, progress, engine log lines, queue positions); returns its final state. Uses Kino's
   * events stream, or polls a server that has none.
   */
  public RequestState follow(String requestId, Consumer<RequestEvent> listener) {
    return follower.follow(requestId, listener);
  }

  /** As {@link #follow}, in the background; close the subscription to stop listening. */
  public Subscription subscribe(String requestId, Consumer<RequestEvent> listener) {
    return Subscription.start(() -> follower.follow(requestId, listener));
  }

  /** Submits and waits for the result. */
  public RequestResult run(String modelId, Map<String, ?> input) {
    return run(
        modelId,
        JsonMapper.shared().valueToTree(input),
        SubmitOptions.none(),
        event -> {},
        Optional.empty());
  }

  /**
   * Submits, follows the request (telling the listener), and returns the completed result.
   *
   * @param timeout give up waiting after this long (the request carries on; cancel it if need be)
   * @throws RequestFailedException if it failed
   * @throws RequestCancelledException if it was cancelled
   */
  public RequestResult run(
      String modelId,
      JsonNode input,
      SubmitOptions options,
      Consumer<RequestEvent> listener,
      Optional<Duration> timeout) {
    Submission submission = submit(modelId, input, options);
    return await(submission.requestId(), listener, timeout);
  }

  /** Waits for a submitted request to end and returns its completed result (see {@link #run}). */
  public RequestResult await(
      String requestId, Consumer<RequestEvent> listener, Optional<Duration> timeout) {
    RequestState end;
    if (timeout.isEmpty()) {
      end = follow(requestId, listener);
    } else {
      end = followWithin(requestId, listener, timeout.get());
    }
    RequestResult result = result(requestId);
    return switch (end) {
      case COMPLETED -> result;
      case FAILED -> throw new RequestFailedException(result);
      case CANCELLED -> throw new RequestCancelledException(requestId);
      default -> throw new KinoException("request " + requestId + " is still " + end.wire());
    };
  }

  private RequestState followWithin(
      String requestId, Consumer<RequestEvent> listener, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    try (Subscription subscription = subscribe(requestId, listener)) {
      Optional<RequestState> end = subscription.awaitUntil(deadline);
      return end.orElseThrow(() -> new KinoTimeoutException(requestId, timeout));
    }
  }

  /**
   * Saves an output (or any URL this server gave out) to a file, replacing it; returns the file.
   */
  public Path download(String url, Path target) {
    return transport.download(url, target);
  }

  /** The catalogue (without schemas). */
  public List<ModelInfo> models() {
    List<ModelInfo> all = new ArrayList<>();
    for (int offset = 0; ; offset += 100) {
      JsonNode page = transport.get("/v1/models?limit=100&offset=" + offset);
      page.path("models").forEach(m -> all.add(ModelInfo.from(m)));
      if (page.path("models").size() < 100) {
        return all;
      }
    }
  }

  /** One model with its input and output schemas. */
  public ModelInfo model(String modelId) {
    return ModelInfo.from(transport.get("/v1/models/" + modelId));
  }

  /** A page of the caller's requests, newest first (Kino's listing); filters may be null. */
  public RequestPage requests(String status, String modelId, int limit, String cursor) {
    StringBuilder query = new StringBuilder("/v1/requests?limit=" + limit);
    append(query, "status", status);
    append(query, "model", modelId);
    append(query, "cursor", cursor);
    JsonNode page = transport.get(query.toString());
    List<RequestStatus> requests = new ArrayList<>();
    page.path("requests").forEach(r -> requests.add(RequestStatus.from(r)));
    JsonNode next = page.get("next_cursor");
    return new RequestPage(
        List.copyOf(requests),
        next == null || next.isNull() ? Optional.empty() : Optional.of(next.asString()));
  }

  /**
   * What the caller's jobs (an admin key: everyone's, or {@code keyId}'s) that ended between {@code
   * from} and {@code to} used, grouped by {@code groupBy} ({@code model}, {@code key} or {@code
   * day}), as the server answers it ({@code GET /v1/usage}); any argument may be null.
   */
  public JsonNode usage(String from, String to, String groupBy, String keyId) {
    StringBuilder query = new StringBuilder("/v1/usage?format=json");
    append(query, "from", from);
    append(query, "to", to);
    append(query, "group_by", groupBy);
    append(query, "key_id", keyId);
    return transport.get(query.toString());
  }

  private static void append(StringBuilder query, String name, String value) {
    if (value != null && !value.isBlank()) {
      query
          .append('&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
