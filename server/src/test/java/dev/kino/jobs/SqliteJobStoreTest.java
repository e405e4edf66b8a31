package dev.kino.jobs;

import dev.kino.database.Database;
import dev.kino.database.SqliteDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The queue's guarantees on a real SQLite file in a data directory (the embedded default). */
class SqliteJobStoreTest extends JobStoreContract {
  private final Path dir;

  SqliteJobStoreTest() {
    try {
      dir = Files.createTempDirectory("kino-store-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  Database openDatabase() {
    return SqliteDatabase.open(dir);
  }
}
