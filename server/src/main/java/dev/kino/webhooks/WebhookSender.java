package dev.kino.webhooks;

import dev.kino.network.AddressPolicy;
import dev.kino.network.GuardedHttpClient;
import dev.kino.network.HostResolver;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Makes one signed POST of a webhook message, under the same address policy as input URLs (checked
 * when it connects), with no redirects followed and a short timeout, and says what came of it.
 */
final class WebhookSender implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final int MAX_ANSWER_BYTES = 64 * 1024;

  private final HttpClient client;
  private final WebhookSigner signer;

  WebhookSender(AddressPolicy policy, HostResolver resolver, WebhookSigner signer) {
    this.client =
        GuardedHttpClient.start(
            "kino-webhooks",
            policy,
            resolver,
            Duration.ofSeconds(10),
            TIMEOUT,
            "Kino/0.1 (webhooks)");
    this.signer = signer;
  }

  /**
   * What one attempt came to.
   *
   * @param statusCode the receiver's HTTP status, if it answered
   * @param retryAfter the receiver's Retry-After, if it sent one
   * @param permanent true when retrying cannot help (the address is forbidden)
   */
  record Result(
      Optional<Integer> statusCode,
      Optional<String> error,
      Optional<Duration> retryAfter,
      boolean permanent) {
    boolean delivered() {
      return statusCode.isPresent() && statusCode.get() >= 200 && statusCode.get() < 300;
    }
  }

  Result send(Delivery delivery, Instant now) throws InterruptedException {
    long timestamp = now.getEpochSecond();
    Request request =
        client
            .newRequest(delivery.url())
            .method(HttpMethod.POST)
            .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .headers(
                h -> {
                  h.put("webhook-id", delivery.id());
                  h.put("webhook-timestamp", Long.toString(timestamp));
                  h.put(
                      "webhook-signature",
                      signer.signature(
                          delivery.owner(), delivery.id(), timestamp, delivery.payload()));
                })
            .body(new StringRequestContent("application/json", delivery.payload()));
    try {
      ContentResponse response =
          new CompletableResponseListener(request, MAX_ANSWER_BYTES).send().get();
      int status = response.getStatus();
      Optional<String> error =
          status >= 300 && status < 400
              ? Optional.of(
                  "the receiver answered " + status + " (a redirect, which is not followed)")
              : Optional.empty();
      return new Result(
          Optional.of(status),
          error,
          retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER), now),
          false);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (GuardedHttpClient.isForbiddenAddress(cause)) {
        return new Result(
            Optional.empty(),
            Optional.of("url_forbidden: " + cause.getMessage()),
            Optional.empty(),
            true);
      }
      if (cause instanceof TimeoutException) {
        return new Result(
            Optional.empty(),
            Optional.of("no answer within " + TIMEOUT.toSeconds() + " s"),
            Optional.empty(),
            false);
      }
      return new Result(
          Optional.empty(),
          Optional.of(String.valueOf(cause.getMessage())),
          Optional.empty(),
          false);
    }
  }

  /** Retry-After in seconds or as an HTTP date; anything else is ignored. */
  static Optional<Duration> retryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.strip();
    if (v.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      // Closing at shutdown; nothing left to do with it.
    }
  }
}
