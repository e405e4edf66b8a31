package dev.kino.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Server-Sent Events client for tests, reading the wire format as a browser's EventSource does
 * (id, event, data lines; a blank line ends an event; comments ignored). Stands in for EventSource,
 * which has no JDK form.
 */
public final class EventStream implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One event as delivered. */
  public record Event(long id, String type, JsonNode data) {
    public String status() {
      return data.path("status").asString();
    }
  }

  private final HttpResponse<InputStream> response;
  private final BufferedReader reader;

  private EventStream(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  /** Opens {@code url}; {@code key} and {@code lastEventId} may be null. */
  public static EventStream open(String url, String key, Long lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    try {
      return new EventStream(
          HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  public String contentType() {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  /** The next event, or null when the server ended the stream. */
  public Event next() {
    long id = -1;
    String type = "message";
    StringBuilder data = null;
    try {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            return new Event(id, type, JsonMapper.shared().readTree(data.toString()));
          }
          continue;
        }
        if (line.startsWith(":")) {
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
        switch (field) {
          case "id" -> id = Long.parseLong(value);
          case "event" -> type = value;
          case "data" ->
              data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> {}
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every event until the server ends the stream. */
  public List<Event> readToEnd() {
    List<Event> events = new ArrayList<>();
    for (Event e = next(); e != null; e = next()) {
      events.add(e);
    }
    return events;
  }

  /** The raw body, for error answers. */
  public String body() {
    try {
      return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // closing a stream the test is done with
    }
  }
}
