package dev.kino.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows one request to its end. On Kino it reads the events stream (reconnecting with
 * Last-Event-ID when the connection drops) and, while the request waits in the queue, asks for its
 * queue position now and then; on a server without an events route it polls the status with backoff
 * and reports what changed.
 */
final class Follower {
  private static final Duration QUEUE_CHECK = Duration.ofSeconds(2);
  private static final Duration POLL_FIRST = Duration.ofMillis(500);
  private static final Duration POLL_MAX = Duration.ofSeconds(5);

  private final Transport transport;

  Follower(Transport transport) {
    this.transport = transport;
  }

  /**
   * Blocks until the request is final, telling the listener everything on the way; returns the
   * final state.
   */
  RequestState follow(String requestId, Consumer<RequestEvent> listener) {
    try {
      return followStream(requestId, listener);
    } catch (NoEventsRoute e) {
      return poll(requestId, listener, RequestStateTracker.fresh());
    }
  }

  private static final class NoEventsRoute extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** What the listener has been told so far, so polling reports only changes. */
  private static final class RequestStateTracker {
    RequestState state;
    long lastEventId;
    OptionalLong queuePosition = OptionalLong.empty();
    Optional<Double> progress = Optional.empty();

    static RequestStateTracker fresh() {
      return new RequestStateTracker();
    }
  }

  private record Line(String event, long id, JsonNode data, boolean end) {}

  private RequestState followStream(String requestId, Consumer<RequestEvent> listener) {
    RequestStateTracker seen = RequestStateTracker.fresh();
    while (true) {
      BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
      HttpResponse<InputStream> response = open(requestId, seen.lastEventId);
      Thread reader =
          Thread.ofVirtual()
              .name("kino-events-" + requestId)
              .start(() -> read(response.body(), lines));
      try {
        while (true) {
          Line line = take(lines);
          if (line == null) {
            if (seen.state == RequestState.IN_QUEUE) {
              reportQueuePosition(requestId, seen, listener);
            }
            continue;
          }
          if (line.end()) {
            break; // the connection ended without the final event: reconnect after the last event
            // seen
          }
          seen.lastEventId = line.id();
          RequestEvent event = toEvent(requestId, line, seen);
          listener.accept(event);
          if (event.isFinal()) {
            return event.state();
          }
        }
      } finally {
        reader.interrupt();
        closeQuietly(response.body());
      }
      pause(POLL_FIRST); // a server going down closes streams; do not hammer it while it restarts
    }
  }

  private HttpResponse<InputStream> open(String requestId, long lastEventId) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", "text/event-stream");
    if (lastEventId > 0) {
      headers.put("Last-Event-ID", Long.toString(lastEventId));
    }
    try {
      return transport.stream("/v1/requests/" + requestId + "/events", headers);
    } catch (KinoApiException e) {
      if (e.httpStatus() == 405
          || (e.httpStatus() == 404 && e.reason().equals("route_not_found"))
          || e.httpStatus() == 501) {
        throw new NoEventsRoute();
      }
      if (e.httpStatus() == 404 && !e.reason().equals("request_not_found")) {
        throw new NoEventsRoute(); // another server's 404 for a route it does not have
      }
      throw e;
    }
  }

  private static Line take(BlockingQueue<Line> lines) {
    try {
      return lines.poll(QUEUE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KinoException("interrupted while following a request", e);
    }
  }

  /** Parses the SSE wire format into events; a final {@code end} line when the stream closes. */
  private static void read(InputStream body, BlockingQueue<Line> out) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String event = "message";
      long id = 0;
      StringBuilder data = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            out.add(new Line(event, id, JsonMapper.shared().readTree(data.toString()), false));
          }
          event = "message";
          data = null;
          continue;
        }
        if (line.startsWith(":")) {
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
        switch (field) {
          case "event" -> event = value;
          case "id" -> id = parseId(value, id);
          case "data" ->
              data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> {}
        }
      }
    } catch (IOException | RuntimeException e) {
      // the connection dropped; the follower reconnects
    } finally {
      out.add(new Line("", 0, null, true));
    }
  }

  private static long parseId(String value, long previous) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return previous;
    }
  }

  private static RequestEvent toEvent(String requestId, Line line, RequestStateTracker seen) {
    JsonNode data = line.data();
    if (line.event().equals("status")) {
      seen.state = RequestState.fromWire(data.path("status").asString());
    }
    RequestState state = seen.state == null ? RequestState.IN_PROGRESS : seen.state;
    Optional<Double> progress =
        data.has("progress") ? Optional.of(data.path("progress").asDouble()) : Optional.empty();
    Optional<String> message =
        data.has("message") ? Optional.of(data.path("message").asString()) : Optional.empty();
    return new RequestEvent(
        requestId, line.event(), state, progress, OptionalLong.empty(), message);
  }

  private void reportQueuePosition(
      String requestId, RequestStateTracker seen, Consumer<RequestEvent> listener) {
    RequestStatus status =
        RequestStatus.from(transport.get("/v1/requests/" + requestId + "/status"));
    if (status.state() == RequestState.IN_QUEUE
        && !status.queuePosition().equals(seen.queuePosition)) {
      seen.queuePosition = status.queuePosition();
      listener.accept(
          new RequestEvent(
              requestId,
              "queue",
              RequestState.IN_QUEUE,
              Optional.empty(),
              status.queuePosition(),
              Optional.empty()));
    }
  }

  /**
   * For servers that only speak the seed API: poll the status, report changes, back off while
   * nothing moves.
   */
  private RequestState poll(
      String requestId, Consumer<RequestEvent> listener, RequestStateTracker seen) {
    Duration wait = POLL_FIRST;
    while (true) {
      RequestStatus status =
          RequestStatus.from(transport.get("/v1/requests/" + requestId + "/status"));
      boolean changed = false;
      if (status.state() != seen.state) {
        seen.state = status.state();
        listener.accept(
            new RequestEvent(
                requestId,
                "status",
                status.state(),
                Optional.empty(),
                OptionalLong.empty(),
                Optional.empty()));
        changed = true;
      }
      if (status.state().isFinal()) {
        return status.state();
      }
      if (status.state() == RequestState.IN_QUEUE
          && !status.queuePosition().equals(seen.queuePosition)) {
        seen.queuePosition = status.queuePosition();
        listener.accept(
            new RequestEvent(
                requestId,
                "queue",
                status.state(),
                Optional.empty(),
                status.queuePosition(),
                Optional.empty()));
        changed = true;
      }
      if (status.progress().isPresent() && !status.progress().equals(seen.progress)) {
        seen.progress = status.progress();
        listener.accept(
            new RequestEvent(
                requestId,
                "progress",
                status.state(),
                status.progress(),
                OptionalLong.empty(),
                Optional.empty()));
        changed = true;
      }
      wait =
          changed ? POLL_FIRST : min(POLL_MAX, Duration.ofMillis((long) (wait.toMillis() * 1.5)));
      pause(wait);
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KinoException("interrupted while following a request", e);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // done with it
    }
  }
}
