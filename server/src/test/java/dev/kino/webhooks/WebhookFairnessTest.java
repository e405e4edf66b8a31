package dev.kino.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import dev.kino.testing.WebhookReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * One receiver that hangs (accepts connections and never answers) holds a small share of the
 * webhook senders: another receiver's message is delivered while the hanging one's wait their turn.
 */
class WebhookFairnessTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";

  @Test
  void a_hanging_receiver_does_not_hold_up_another_receivers_delivery() throws Exception {
    try (Hanging hanging = new Hanging();
        WebhookReceiver healthy = new WebhookReceiver();
        TestServer server = TestServer.start(0)) {
      Api api = server.api();
      for (int i = 0; i < 40; i++) {
        api.cancel(api.submitOk(STD, clip(hanging.url())));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> hanging.connections() >= 1);

      long sent = System.nanoTime();
      api.cancel(api.submitOk(STD, clip(healthy.url("/ok"))));
      await().atMost(Duration.ofSeconds(60)).until(() -> !healthy.calls("/ok").isEmpty());
      long millis = (System.nanoTime() - sent) / 1_000_000;

      System.out.printf("healthy delivery with 40 hanging: %d ms%n", millis);
      assertThat(hanging.connections())
          .as("the hanging receiver holds its share of the senders, not all of them")
          .isLessThanOrEqualTo(Destinations.SHARE);
    }
  }

  private static String clip(String webhook) {
    return "{\"prompt\": \"p\", \"duration\": 3, \"webhook_url\": \"" + webhook + "\"}";
  }

  /** A receiver that accepts every connection and never says a word. */
  static final class Hanging implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    Hanging() throws IOException {
      socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      acceptor =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (!socket.isClosed()) {
                      try {
                        held.add(socket.accept());
                      } catch (IOException closed) {
                        return;
                      }
                    }
                  });
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/hang";
    }

    int connections() {
      return held.size();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
