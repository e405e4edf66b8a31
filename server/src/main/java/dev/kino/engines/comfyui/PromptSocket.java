package dev.kino.engines.comfyui;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ComfyUI's websocket for one client id: text messages ({@code {"type", "data"}}) queued for the run that
 * reads them; binary ones (previews) ignored. When the socket closes or fails, a {@link #CLOSED} marker follows
 * the last message, and the run falls back to {@code /history}.
 */
final class PromptSocket implements WebSocket.Listener {
  static final JsonNode CLOSED = JsonMapper.shared().createObjectNode().put("type", "kino.socket_closed");
  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private final CountDownLatch greeted = new CountDownLatch(1);

  @Override
  public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        messages.add(JsonMapper.shared().readTree(partial.toString()));
        greeted.countDown();
      } catch (RuntimeException notJson) {
        // ComfyUI only sends JSON text; anything else is ignored
      }
      partial.setLength(0);
    }
    socket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
    socket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
    messages.add(CLOSED);
    return null;
  }

  @Override
  public void onError(WebSocket socket, Throwable error) {
    messages.add(CLOSED);
  }

  /**
   * Waits for ComfyUI's first message on a new socket ({@code status}, with the client id as {@code sid}): it is
   * sent once the server has registered the socket, so a prompt queued after it cannot miss its messages.
   */
  boolean awaitGreeting(Duration timeout) throws InterruptedException {
    return greeted.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next message, or null after {@code millis}. */
  JsonNode next(long millis) throws InterruptedException {
    return messages.poll(millis, TimeUnit.MILLISECONDS);
  }
}
