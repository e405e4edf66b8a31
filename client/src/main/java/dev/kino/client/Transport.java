package dev.kino.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP with the key, retries and error mapping. Connection failures and 429/502/503/504 answers are
 * retried with exponential backoff and jitter, waiting at least what {@code Retry-After} asks (up
 * to a minute); other errors become a {@link KinoApiException} at once. Only safe calls are
 * retried: reads, cancel, and submits, which always carry an Idempotency-Key.
 */
final class Transport {
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
  private final HttpClient http;
  private final String base;
  private final String apiKey;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final Duration maxBackoff;

  Transport(
      HttpClient http,
      String base,
      String apiKey,
      Duration requestTimeout,
      int maxRetries,
      Duration maxBackoff) {
    this.http = http;
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.apiKey = apiKey;
    this.requestTimeout = requestTimeout;
    this.maxRetries = maxRetries;
    this.maxBackoff = maxBackoff;
  }

  String base() {
    return base;
  }

  JsonNode get(String path) {
    return json(send(request(path).GET(), requestTimeout));
  }

  JsonNode post(String path, JsonNode body, Map<String, String> headers) {
    HttpRequest.Builder builder =
        request(path)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(JsonMapper.shared().writeValueAsString(body)));
    headers.forEach(builder::header);
    return json(send(builder, requestTimeout));
  }

  JsonNode delete(String path) {
    return json(send(request(path).DELETE(), requestTimeout));
  }

  /**
   * A long-lived streamed GET (events); no request timeout, errors mapped like any other answer.
   */
  HttpResponse<InputStream> stream(String path, Map<String, String> headers) {
    HttpRequest.Builder builder = request(path).GET();
    headers.forEach(builder::header);
    return sendWith(builder, null, HttpResponse.BodyHandlers.ofInputStream(), true);
  }

  /**
   * Saves a URL to a file (written beside it, then moved into place). The key goes only to this
   * server.
   */
  Path download(String url, Path target) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).GET();
    if (url.startsWith(base + "/")) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<InputStream> response =
        sendWith(builder, null, HttpResponse.BodyHandlers.ofInputStream(), false);
    try (InputStream body = response.body()) {
      Path absolute = target.toAbsolutePath();
      Files.createDirectories(absolute.getParent());
      Path partial =
          Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
      try {
        Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(
            partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw new KinoConnectionException(
          "could not download " + url + " to " + target + ": " + e.getMessage(), e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + apiKey)
        .header("Accept", "application/json");
  }

  private HttpResponse<String> send(HttpRequest.Builder builder, Duration timeout) {
    return sendWith(
        builder, timeout, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), true);
  }

  private <T> HttpResponse<T> sendWith(
      HttpRequest.Builder builder,
      Duration timeout,
      HttpResponse.BodyHandler<T> handler,
      boolean apiErrors) {
    if (timeout != null) {
      builder.timeout(timeout);
    }
    HttpRequest request = builder.build();
    for (int attempt = 0; ; attempt++) {
      HttpResponse<T> response;
      try {
        response = http.send(request, handler);
      } catch (HttpTimeoutException e) {
        if (attempt >= maxRetries) {
          throw new KinoConnectionException(
              "no answer from " + request.uri() + " within the timeout", e);
        }
        pause(backoff(attempt));
        continue;
      } catch (IOException e) {
        if (attempt >= maxRetries) {
          throw new KinoConnectionException("cannot reach " + request.uri() + ": " + e, e);
        }
        pause(backoff(attempt));
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KinoException("interrupted while calling " + request.uri(), e);
      }
      int status = response.statusCode();
      if (status < 400) {
        return response;
      }
      String text = bodyText(response.body());
      if (isRetryable(status) && attempt < maxRetries) {
        Duration wait = backoff(attempt);
        Duration asked = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
        pause(asked.compareTo(wait) > 0 ? asked : wait);
        continue;
      }
      if (!apiErrors) {
        throw new KinoApiException(
            status,
            status * 1000,
            "http_" + status,
            "GET " + request.uri() + " answered " + status,
            List.of());
      }
      throw apiError(status, text);
    }
  }

  private static boolean isRetryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  private Duration backoff(int attempt) {
    long millis =
        Math.min(maxBackoff.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt, 16));
    return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
  }

  /** Seconds or an HTTP date; nothing (zero) when absent or unreadable; at most a minute. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return Duration.ZERO;
    }
    Duration asked;
    try {
      asked = Duration.ofSeconds(Long.parseLong(value.strip()));
    } catch (NumberFormatException notSeconds) {
      try {
        asked =
            Duration.between(
                java.time.Instant.now(),
                ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
      } catch (java.time.format.DateTimeParseException unreadable) {
        return Duration.ZERO;
      }
    }
    if (asked.isNegative()) {
      return Duration.ZERO;
    }
    return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KinoException("interrupted while waiting to retry", e);
    }
  }

  private static String bodyText(Object body) {
    if (body instanceof String s) {
      return s;
    }
    if (body instanceof InputStream in) {
      try (in) {
        return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }
    return "";
  }

  /**
   * The seed error shape: error_code, error_message, detail.reason, detail.errors[{path, code,
   * message}].
   */
  static KinoApiException apiError(int status, String text) {
    try {
      JsonNode body = JsonMapper.shared().readTree(text);
      List<FieldError> fields = new ArrayList<>();
      body.path("detail")
          .path("errors")
          .forEach(
              e ->
                  fields.add(
                      new FieldError(
                          e.path("path").asString(),
                          e.path("code").asString(),
                          e.path("message").asString())));
      return new KinoApiException(
          status,
          body.path("error_code").asInt(status * 1000),
          body.path("detail").path("reason").asString("http_" + status),
          body.path("error_message").asString("HTTP " + status),
          fields);
    } catch (JacksonException notJson) {
      String snippet = text.length() > 200 ? text.substring(0, 200) + "..." : text;
      return new KinoApiException(
          status,
          status * 1000,
          "http_" + status,
          "HTTP " + status + (snippet.isBlank() ? "" : ": " + snippet),
          List.of());
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    String body = response.body();
    if (body == null || body.isBlank()) {
      return JsonMapper.shared().createObjectNode();
    }
    try {
      return JsonMapper.shared().readTree(body);
    } catch (JacksonException e) {
      throw new KinoException(
          "the server answered "
              + response.statusCode()
              + " with something that is not JSON: "
              + e.getOriginalMessage());
    }
  }
}
