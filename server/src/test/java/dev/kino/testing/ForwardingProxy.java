package dev.kino.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy on loopback in front of a Kino server, for client tests. It stands in for what sits
 * between a client and Kino in real deployments: a load balancer answering 503 with Retry-After
 * during a deploy, a connection dropped after the request got through, or a server that only speaks
 * the seed API (no events route: 404).
 */
public final class ForwardingProxy implements AutoCloseable {
  private static final List<String> FORWARDED =
      List.of("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "Accept");
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String target;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger dropAfterForwarding = new AtomicInteger();
  private final AtomicInteger busySubmits = new AtomicInteger();
  private volatile boolean seedOnly;

  public ForwardingProxy(String target) {
    this.target = target;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * The next n requests are answered 503 with Retry-After: 1, as a load balancer does while Kino
   * restarts.
   */
  public ForwardingProxy unavailableFor(int n) {
    unavailable.set(n);
    return this;
  }

  /** The next n requests reach Kino, but their answers are lost (the connection closes). */
  public ForwardingProxy dropAnswers(int n) {
    dropAfterForwarding.set(n);
    return this;
  }

  /**
   * The next n submits (POST /v1/models/...) are refused 429 with Retry-After: 1 and the seed
   * platform's error body, as a provider at its account's concurrency limit answers.
   */
  public ForwardingProxy refuseSubmitsFor(int n) {
    busySubmits.set(n);
    return this;
  }

  /** Behave like a server with only the seed routes: the events route does not exist. */
  public ForwardingProxy seedOnly() {
    seedOnly = true;
    return this;
  }

  /** Every request that arrived, as "METHOD path [Idempotency-Key]". */
  public List<String> seen() {
    return List.copyOf(seen);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path =
        exchange.getRequestURI().getRawPath()
            + (exchange.getRequestURI().getRawQuery() == null
                ? ""
                : "?" + exchange.getRequestURI().getRawQuery());
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    seen.add(exchange.getRequestMethod() + " " + path + (key == null ? "" : " " + key));
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().add("Retry-After", "1");
      answer(exchange, 503, "text/plain", "upstream restarting".getBytes());
      return;
    }
    if (exchange.getRequestMethod().equals("POST")
        && path.startsWith("/v1/models/")
        && busySubmits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().add("Retry-After", "1");
      answer(
          exchange,
          429,
          "application/json",
          "{\"error_code\":429001,\"error_message\":\"too many concurrent requests for this account\",\"detail\":{\"reason\":\"concurrency_limit\"}}"
              .getBytes());
      return;
    }
    if (seedOnly && path.contains("/events")) {
      answer(
          exchange,
          404,
          "application/json",
          "{\"error_code\":404001,\"error_message\":\"no such route\",\"detail\":{\"reason\":\"route_not_found\"}}"
              .getBytes());
      return;
    }
    HttpRequest.Builder forward =
        HttpRequest.newBuilder(URI.create(target + path))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String name : FORWARDED) {
      String value = exchange.getRequestHeaders().getFirst(name);
      if (value != null) {
        forward.header(name, value);
      }
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
      return;
    }
    if (dropAfterForwarding.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      response.body().close();
      exchange.close(); // the request got through; its answer never arrives
      return;
    }
    response
        .headers()
        .firstValue("Content-Type")
        .ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
    exchange.sendResponseHeaders(response.statusCode(), 0);
    try (InputStream in = response.body();
        OutputStream out = exchange.getResponseBody()) {
      byte[] buffer = new byte[8192];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush(); // streams (events) pass through as they come
      }
    } catch (IOException clientLeft) {
      // the client closed its end
    }
  }

  private static void answer(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    http.close();
  }
}
