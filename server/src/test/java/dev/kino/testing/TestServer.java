package dev.kino.testing;

import dev.kino.config.Settings;
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
 * A real Kino node in this JVM: SQLite and files in a fresh temporary data directory, a free loopback port, an
 * operator admin key. Tests talk to it over real HTTP through {@link #api()}.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key-0123456789";

  private final KinoNode node;
  private final Path dataDir;

  private TestServer(KinoNode node, Path dataDir) {
    this.node = node;
    this.dataDir = dataDir;
  }

  /** A server with the given number of workers; 0 keeps every job queued. */
  public static TestServer start(int workers) {
    return start(s -> s.withWorkers(workers));
  }

  public static TestServer start(UnaryOperator<Settings> customise) {
    try {
      Path dataDir = Files.createTempDirectory("kino-test-");
      Settings settings =
          customise.apply(Settings.forDataDir(dataDir).withAdminKey(ADMIN_KEY).withFetchAllow(List.of("127.0.0.1")));
      KinoNode node = KinoNode.start(settings, new PrintStream(new ByteArrayOutputStream()));
      return new TestServer(node, settings.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Api api() {
    return new Api("http://127.0.0.1:" + node.port(), ADMIN_KEY);
  }

  public Api api(String key) {
    return new Api("http://127.0.0.1:" + node.port(), key);
  }

  public int port() {
    return node.port();
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    node.close();
  }
}
