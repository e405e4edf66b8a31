package dev.kino.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver on loopback: records every POST (headers, body, arrival time) and answers with
 * the next scripted reply (default 200), so tests can make it fail, redirect or ask for a later
 * retry.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request as received; header names in lower case. */
  public record Call(String path, Map<String, List<String>> headers, String body, Instant at) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.getFirst();
    }
  }

  /** A scripted answer. */
  public record Reply(int status, Map<String, String> headers) {
    public static Reply of(int status) {
      return new Reply(status, Map.of());
    }
  }

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          Map<String, List<String>> headers = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          calls.add(new Call(exchange.getRequestURI().getPath(), headers, body, Instant.now()));
          Reply reply = script.poll();
          if (reply == null) {
            reply = Reply.of(200);
          }
          reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          exchange.sendResponseHeaders(reply.status(), -1);
          exchange.close();
        });
    server.start();
  }

  /** The next answers, in order; after them the receiver answers 200. */
  public WebhookReceiver answer(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Drops the answers not given yet: from now on the receiver answers 200. */
  public WebhookReceiver forget() {
    script.clear();
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
