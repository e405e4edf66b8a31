package dev.kino.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

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
   * Opens (creating when absent) {@code kino.db} in the data directory and brings its schema up to
   * date.
   */
  public static SqliteDatabase open(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
    SqliteDatabase db = new SqliteDatabase(dataDir.resolve("kino.db"));
    Flyway.configure().dataSource(db.writer).locations("classpath:db/sqlite").load().migrate();
    return db;
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
