package dev.kino.testing;

import dev.kino.config.Settings;
import dev.kino.database.SqliteDatabase;
import dev.kino.keys.KeyStore;
import dev.kino.node.KinoNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real Kino node in this JVM: SQLite and files in a fresh temporary data directory, a free
 * loopback port, an operator admin key. Tests talk to it over real HTTP through {@link #api()}.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key-0123456789";

  private final Settings settings;
  private KinoNode node;

  private TestServer(KinoNode node, Settings settings) {
    this.node = node;
    this.settings = settings;
  }

  /** A server with the given number of workers; 0 keeps every job queued. */
  public static TestServer start(int workers) {
    return start(s -> s.withWorkers(workers));
  }

  public static TestServer start(UnaryOperator<Settings> customise) {
    try {
      Path dataDir = Files.createTempDirectory("kino-test-");
      Settings settings =
          customise.apply(
              Settings.forDataDir(dataDir)
                  .withAdminKey(ADMIN_KEY)
                  .withFetchAllow(List.of("127.0.0.1")));
      return new TestServer(startNode(settings), settings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KinoNode startNode(Settings settings) {
    return KinoNode.start(settings, new PrintStream(new ByteArrayOutputStream()));
  }

  /** An orderly stop (as on SIGTERM) and a new node on the same data directory and port. */
  public void restart() {
    int port = node.port();
    node.close();
    node = startNode(settings.withPort(port));
  }

  public Api api() {
    return new Api("http://127.0.0.1:" + node.port(), ADMIN_KEY);
  }

  public Api api(String key) {
    return new Api("http://127.0.0.1:" + node.port(), key);
  }

  /** A client with a new, non-admin API key of its own (a second user). */
  public Api apiForNewKey(String name) {
    try (SqliteDatabase db = SqliteDatabase.open(settings.dataDir())) {
      return api(new KeyStore(db).create(name, false, java.time.Instant.now()).plaintext());
    }
  }

  public int port() {
    return node.port();
  }

  /** Where {@code --metrics-port} listens (started with one). */
  public int metricsPort() {
    return node.metricsPort().orElseThrow();
  }

  public Path dataDir() {
    return settings.dataDir();
  }

  @Override
  public void close() {
    node.close();
  }
}
