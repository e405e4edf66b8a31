package dev.kino.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded SQLite database in the data directory: WAL journal, durable commits
 * (synchronous=FULL, so an accepted job survives a power cut, not only a process kill), migrations
 * applied on open.
 *
 * <p>Writes go through a pool of exactly one connection, which serialises writers inside the
 * process so they never fight over SQLite's single write lock; reads use a small pool of their own
 * and see committed data thanks to WAL. Other processes on the same file (the {@code keys} command)
 * wait on the busy timeout.
 */
public final class SqliteDatabase implements Database {
  private final HikariDataSource writer;
  private final HikariDataSource reader;
  private final Jdbi writes;
  private final Jdbi reads;

  private SqliteDatabase(Path file) {
    this.writer = pool(file, "kino-sqlite-write", 1);
    this.reader = pool(file, "kino-sqlite-read", 4);
    this.writes = Jdbi.create(writer);
    this.reads = Jdbi.create(reader);
  }

  /**
   * Opens (creating when absent) {@code kino.db} in the data directory, checks it with SQLite's
   * quick check, and brings its schema up to date.
   *
   * @throws DamagedDatabaseException when the file is damaged, or empty beside an earlier run's
   *     data
   */
  public static SqliteDatabase open(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
    Path file = dataDir.resolve("kino.db");
    requireNotReplaced(dataDir, file);
    nativeLibraryUnder(dataDir);
    SqliteDatabase db;
    try {
      db = new SqliteDatabase(file);
    } catch (RuntimeException e) {
      throw isDamage(e) ? damaged(file, e.getMessage()) : e;
    }
    try {
      db.problem()
          .ifPresent(
              problem -> {
                throw damaged(file, problem);
              });
      Flyway.configure().dataSource(db.writer).locations("classpath:db/sqlite").load().migrate();
      ownerOnly(file);
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw isDamage(e) && !(e instanceof DamagedDatabaseException)
          ? damaged(file, e.getMessage())
          : e;
    }
  }

  /**
   * What SQLite's quick check finds wrong, if anything: a damaged page or index, or a file that is
   * not a database at all. It reads the whole file, so callers run it sparingly.
   */
  @Override
  public Optional<String> problem() {
    try {
      List<String> verdict =
          reads.withHandle(h -> h.createQuery("PRAGMA quick_check(5)").mapTo(String.class).list());
      return verdict.equals(List.of("ok"))
          ? Optional.empty()
          : Optional.of("SQLite's quick check: " + String.join("; ", verdict));
    } catch (RuntimeException e) {
      if (isDamage(e)) {
        return Optional.of(rootMessage(e));
      }
      throw e;
    }
  }

  /**
   * sqlite-jdbc unpacks its native library on first use, by default into /tmp, where every killed
   * process leaves a copy: unpacked under the data directory instead, unless the operator chose.
   */
  private static void nativeLibraryUnder(Path dataDir) {
    if (System.getProperty("org.sqlite.tmpdir") == null) {
      Path dir = dataDir.resolve("tmp").resolve("sqlite");
      try {
        Files.createDirectories(dir);
        System.setProperty("org.sqlite.tmpdir", dir.toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + dir, e);
      }
    }
  }

  /** The database and its journal files are readable by their owner only (0600). */
  private static void ownerOnly(Path file) {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path f = file.resolveSibling(file.getFileName() + suffix);
      try {
        if (Files.exists(f)) {
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
      } catch (IOException | UnsupportedOperationException e) {
        // A file system without POSIX permissions: nothing to tighten.
      }
    }
  }

  /**
   * A missing or empty {@code kino.db} is a fresh install only in a data directory that has never
   * been used: beside stored files or signing keys it is a database lost or replaced.
   */
  private static void requireNotReplaced(Path dataDir, Path file) {
    try {
      boolean emptyDatabase = !Files.exists(file) || Files.size(file) == 0;
      if (!emptyDatabase) {
        return;
      }
      for (String earlier : List.of("url-signing.key", "webhook-signing.key", "files")) {
        if (Files.exists(dataDir.resolve(earlier))) {
          throw new DamagedDatabaseException(
              file
                  + " is "
                  + (Files.exists(file) ? "empty" : "missing")
                  + " but "
                  + dataDir
                  + " holds an earlier run's "
                  + earlier
                  + "; starting would begin a new database and lose every job and key. Restore"
                  + " kino.db from a backup, or move the data directory away to start afresh.");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static DamagedDatabaseException damaged(Path file, String problem) {
    return new DamagedDatabaseException(
        file + " is damaged (" + problem + "); restore it from a backup before starting Kino");
  }

  /** SQLITE_CORRUPT or SQLITE_NOTADB anywhere in the causes. */
  private static boolean isDamage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite) {
        SQLiteErrorCode code = sqlite.getResultCode();
        if (code == SQLiteErrorCode.SQLITE_CORRUPT
            || code == SQLiteErrorCode.SQLITE_NOTADB
            || code.name().startsWith("SQLITE_CORRUPT_")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** For statements that change data; callers are serialised. */
  @Override
  public Jdbi writes() {
    return writes;
  }

  /** For queries. */
  @Override
  public Jdbi reads() {
    return reads;
  }

  @Override
  public Dialect dialect() {
    return Dialect.SQLITE;
  }

  private static HikariDataSource pool(Path file, String name, int size) {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sqlite.setBusyTimeout(10_000);
    sqlite.enforceForeignKeys(true);
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl("jdbc:sqlite:" + file);
    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  @Override
  public void close() {
    reader.close();
    writer.close();
  }
}
