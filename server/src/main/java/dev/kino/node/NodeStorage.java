package dev.kino.node;

import dev.kino.config.ConfigException;
import dev.kino.config.Settings;
import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.database.SharedSecrets;
import dev.kino.database.SqliteDatabase;
import dev.kino.migration.MovedMarker;
import dev.kino.storage.FileStore;
import dev.kino.storage.LocalFileStore;
import dev.kino.storage.S3FileStore;
import dev.kino.storage.SecretFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where a node keeps what it knows: the embedded default (SQLite and files in the data directory)
 * or the cluster's (PostgreSQL and a bucket), chosen by the settings; its signing keys; its work
 * folder.
 */
final class NodeStorage {
  private NodeStorage() {}

  /** SQLite in the data directory, or the cluster's PostgreSQL. */
  static Database openDatabase(Settings settings) {
    if (settings.database().isEmpty()) {
      MovedMarker.refuseEmbeddedStart(settings.dataDir());
      return SqliteDatabase.open(settings.dataDir());
    }
    try {
      return PostgresDatabase.open(settings.database().get(), POSTGRES_POOL);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--database: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException(
          "cannot open the PostgreSQL database given with --database: " + rootMessage(e));
    }
  }

  /**
   * Connections per node: workers, API handlers and sweepers share them; PostgreSQL's default limit
   * is 100.
   */
  static final int POSTGRES_POOL = 16;

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** The data directory's files, or the cluster's bucket. */
  static FileStore openFiles(Settings settings, Clock clock) {
    if (settings.storage().isEmpty()) {
      return new LocalFileStore(settings.dataDir());
    }
    try {
      return S3FileStore.open(
          settings.storage().get(),
          settings.credentials(),
          settings.dataDir().resolve("cache").resolve("store"),
          clock);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException("--storage: " + e.getMessage());
    }
  }

  /**
   * A signing key: in the data directory alone, in the database in a cluster (all nodes must agree
   * on it).
   */
  static byte[] secret(Database db, Settings settings, String name) {
    return db.dialect() == Database.Dialect.SQLITE
        ? SecretFile.loadOrCreate(settings.dataDir(), name)
        : SharedSecrets.loadOrCreate(db, name);
  }

  /** The work folder, emptied of what runs interrupted by a stop or crash left there. */
  static Path cleanWorkRoot(Path dataDir) {
    Path work = dataDir.resolve("work");
    try {
      if (Files.exists(work)) {
        try (Stream<Path> paths = Files.walk(work)) {
          paths
              .sorted(Comparator.reverseOrder())
              .filter(p -> !p.equals(work))
              .forEach(p -> p.toFile().delete());
        }
      }
      return Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + work, e);
    }
  }
}
