package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: a throwaway cluster from Debian's {@code postgresql} package,
 * started once per test JVM on a free loopback port and stopped when the JVM exits; each test takes
 * a fresh database. As root (CI) the server runs as the {@code postgres} user, since PostgreSQL
 * refuses to run as root. No PostgreSQL installed is an error that says what to install, not a
 * skipped test.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String USER = "kino";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer shared;

  private final Path bin;
  private final Path dataDir;
  private final int port;

  private PostgresServer(Path bin, Path dataDir, int port) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** The server of this test JVM, started on first use. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  /** A server of the caller's own, for a test that stops and starts it; close it when done. */
  public static PostgresServer startOwn() {
    return start();
  }

  @Override
  public void close() {
    stop();
  }

  /** A new, empty database; its URL in the form Kino's {@code --database} takes. */
  public String newDatabase() {
    String name = "kino_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database", e);
    }
    return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + name;
  }

  public int port() {
    return port;
  }

  /**
   * Stops the server at once (as a crash would); {@link #startAgain} brings it back on the same
   * port.
   */
  public void stopNow() {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-m",
            "immediate",
            "-w",
            "stop"));
  }

  public void startAgain() {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-l",
            dataDir.resolve("server.log").toString(),
            "-o",
            "-p "
                + port
                + " -k "
                + dataDir
                + " -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off",
            "-w",
            "start"));
  }

  private void stop() {
    try {
      stopNow();
    } catch (RuntimeException alreadyStopped) {
      // nothing to do
    }
  }

  private static PostgresServer start() {
    Path bin = binaries();
    try {
      Path dataDir = Files.createTempDirectory("kino-postgres-");
      if (isRoot()) {
        runAs(List.of("chown", "postgres", dataDir.toString()), false);
      }
      PostgresServer server = new PostgresServer(bin, dataDir, KinoProcess.freePort());
      server.run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              dataDir.toString(),
              "--auth=trust",
              "-U",
              USER,
              "-E",
              "UTF8",
              "--no-sync"));
      server.startAgain();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest installed PostgreSQL's programs. */
  private static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(
              Comparator.comparingInt(
                  v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
          .map(v -> v.resolve("bin"))
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "these tests need PostgreSQL's server programs: apt-get install postgresql (Debian), as .ci/run does"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void run(List<String> command) {
    runAs(command, isRoot());
  }

  private static void runAs(List<String> command, boolean asPostgres) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", full) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
