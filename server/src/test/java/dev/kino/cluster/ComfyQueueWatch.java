package dev.kino.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watches a real ComfyUI server's own queue ({@code GET /queue}: {@code queue_running} and {@code
 * queue_pending}, each entry {@code [number, prompt_id, ...]}) every 20 ms: the most prompts it
 * held at once and every prompt it was seen to hold. A sample can miss a moment, never invent one.
 */
final class ComfyQueueWatch implements AutoCloseable {
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI queue;
  private final AtomicInteger maxPresent = new AtomicInteger();
  private final Set<String> seen = new HashSet<>();
  private final Thread watcher;
  private volatile boolean closed;

  ComfyQueueWatch(URI server) {
    this.queue = server.resolve("/queue");
    this.watcher = Thread.ofPlatform().daemon().name("comfyui-queue-watch").start(this::watch);
  }

  private void watch() {
    while (!closed) {
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(queue).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JsonMapper.shared().readTree(answer.body());
        int present = 0;
        for (String part : new String[] {"queue_running", "queue_pending"}) {
          for (JsonNode entry : body.path(part)) {
            present++;
            synchronized (seen) {
              seen.add(entry.path(1).asString());
            }
          }
        }
        maxPresent.accumulateAndGet(present, Math::max);
        Thread.sleep(20);
      } catch (IOException e) {
        // the server is busy starting or stopping; the next sample tells
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  int maxPresent() {
    return maxPresent.get();
  }

  int prompts() {
    synchronized (seen) {
      return seen.size();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    watcher.interrupt();
    watcher.join(Duration.ofSeconds(5));
  }
}
