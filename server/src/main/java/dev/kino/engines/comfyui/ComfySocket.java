package dev.kino.engines.comfyui;

import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A websocket to one ComfyUI server under one client id ({@code /ws?clientId=}). ComfyUI sends a
 * prompt's messages to the client id it was queued with, so each message goes to the {@link
 * PromptSocket} of the prompt it names. The pool keeps one open per server for new prompts (opening
 * one per job costs a connection and a greeting each time); a job resuming an earlier attempt's
 * prompt opens its own with that attempt's client id. A closed socket is opened again by the next
 * {@link #connect}; its followers get {@link PromptSocket#CLOSED}.
 */
final class ComfySocket implements AutoCloseable {
  private static final Duration GREETING = Duration.ofSeconds(10);
  private final ComfyClient client;
  private final String clientId;
  private final Map<String, PromptSocket> followers = new ConcurrentHashMap<>();

  /**
   * The open connection, if any; connect() and close() take turns on {@code this}, callbacks only
   * clear it.
   */
  private final AtomicReference<Connection> open = new AtomicReference<>();

  ComfySocket(ComfyClient client, String clientId) {
    this.client = client;
    this.clientId = clientId;
  }

  String clientId() {
    return clientId;
  }

  /**
   * Opens the socket unless it is open, and waits for ComfyUI's first message ({@code status}, sent
   * once the server has registered the socket), so a prompt queued after this cannot miss its
   * messages.
   */
  synchronized void connect() throws IOException, InterruptedException {
    Connection current = open.get();
    if (current != null && !current.socket.isInputClosed()) {
      return;
    }
    Connection connection = new Connection();
    connection.socket = client.openSocket(clientId, connection);
    open.set(connection);
    if (!connection.greeted.await(GREETING.toMillis(), TimeUnit.MILLISECONDS)) {
      connection.socket.abort();
      open.compareAndSet(connection, null);
      throw new IOException(client.url() + "/ws sent no status message after connecting");
    }
  }

  /** From now on, messages naming this prompt go to the returned queue, until {@link #forget}. */
  PromptSocket follow(String promptId) {
    PromptSocket messages = new PromptSocket();
    followers.put(promptId, messages);
    return messages;
  }

  void forget(String promptId) {
    followers.remove(promptId);
  }

  @Override
  public synchronized void close() {
    Connection current = open.getAndSet(null);
    if (current != null) {
      current.socket.abort();
    }
  }

  /**
   * One connection's listener: its own partial text and greeting, so nothing of an old one leaks
   * into a new one.
   */
  private final class Connection implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final CountDownLatch greeted = new CountDownLatch(1);
    private volatile WebSocket socket;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        deliver(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    private void deliver(String text) {
      JsonNode message;
      try {
        message = JsonMapper.shared().readTree(text);
      } catch (RuntimeException notJson) {
        return; // ComfyUI only sends JSON text; anything else is ignored
      }
      greeted.countDown();
      PromptSocket follower = followers.get(message.path("data").path("prompt_id").asString(""));
      if (follower != null) {
        follower.add(message);
      }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ws.request(1); // previews
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed();
    }

    private void closed() {
      if (open.compareAndSet(this, null)) {
        followers.values().forEach(f -> f.add(PromptSocket.CLOSED));
      }
    }
  }
}
