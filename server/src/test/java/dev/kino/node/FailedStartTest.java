package dev.kino.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kino.config.Settings;
import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails late closes everything it had started, so the operator can simply try again.
 */
class FailedStartTest {
  @TempDir Path dataDir;

  @Test
  void a_start_on_a_taken_port_leaves_no_thread_lock_or_database_behind() throws Exception {
    Set<String> before = kinoThreads();
    Settings settings = Settings.forDataDir(dataDir).withAdminKey(TestServer.ADMIN_KEY);
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> start(settings.withPort(taken.getLocalPort())))
          .as("the port is in use");
    }

    // A stopped pool's last thread may take a moment to end after its executor reports it
    // terminated (the database pool's connection closer, on a busy machine); threads from before
    // may end meanwhile too (idle fetch threads).
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(before)
                    .as("the webhook dispatcher, lease reaper and housekeeping were stopped")
                    .containsAll(kinoThreads()));
    try (KinoNode again = start(settings.withPort(0))) {
      Api api = new Api("http://127.0.0.1:" + again.port(), TestServer.ADMIN_KEY);
      assertThat(api.get("/v1/models").status())
          .as("the data directory's lock and database were released")
          .isEqualTo(200);
    }
  }

  private static KinoNode start(Settings settings) {
    return KinoNode.start(settings, new PrintStream(new ByteArrayOutputStream()));
  }

  private static Set<String> kinoThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("kino-"))
        .collect(Collectors.toSet());
  }
}
