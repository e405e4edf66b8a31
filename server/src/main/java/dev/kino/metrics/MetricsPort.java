package dev.kino.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code --metrics-port}: {@code GET /metrics} without a key, on loopback only, for a scraper (or
 * its agent) on the same machine; also the one way to scrape a worker node, which serves no API.
 * Nothing else is served there.
 */
public final class MetricsPort implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads;

  private MetricsPort(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port). */
  public static MetricsPort open(int port, Metrics metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for metrics on 127.0.0.1:" + port, e);
    }
    ExecutorService threads =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kino-metrics-", 0).factory());
    server.setExecutor(threads);
    server.createContext("/", exchange -> answer(exchange, metrics));
    server.start();
    return new MetricsPort(server, threads);
  }

  private static void answer(HttpExchange exchange, Metrics metrics) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/metrics")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", Metrics.contentType());
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.close();
  }
}
