package dev.kino.engines.comfyui;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The websocket messages about one prompt ({@code {"type", "data"}}), queued for the run that reads
 * them. When the socket closes or fails, a {@link #CLOSED} marker follows the last message, and the
 * run falls back to {@code /history}.
 */
final class PromptSocket {
  static final JsonNode CLOSED =
      JsonMapper.shared().createObjectNode().put("type", "kino.socket_closed");
  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();

  void add(JsonNode message) {
    messages.add(message);
  }

  /** The next message, or null after {@code millis}. */
  JsonNode next(long millis) throws InterruptedException {
    return messages.poll(millis, TimeUnit.MILLISECONDS);
  }
}
