package dev.kino.migration;

import dev.kino.config.ConfigException;
import dev.kino.config.Credentials;
import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.database.SqliteDatabase;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobStore;
import dev.kino.node.DataDirLock;
import dev.kino.storage.SecretFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Moves a stopped embedded install into a cluster: every table row into PostgreSQL under the same
 * ids and sequence numbers, the signing keys into the database the nodes share (so links and
 * webhook secrets issued before the move still verify), the stored files into the bucket; then it
 * checks row counts, row digests and file checksums on both sides. The install is left as it was,
 * but for a note that keeps it from being started embedded again.
 *
 * <p>Re-runnable: the target records the move under the install's id at its start, and a run that
 * finds its own unfinished move there resumes it (rows and files already copied are skipped); any
 * other non-empty target is refused.
 */
public final class Migration {
  /** What to move where. */
  public record Plan(Path from, String database, Optional<URI> storage, Credentials credentials) {}

  /** What the move found and copied; {@code resumed} when an earlier run had begun it. */
  public record Outcome(
      Map<String, Long> rows, int files, long bytes, boolean resumed, boolean alreadyDone) {}

  private static final String ID_FILE = "migration-id";
  private static final List<String> SIGNING_KEYS =
      List.of(SecretFile.URL_SIGNING_KEY, SecretFile.WEBHOOK_SIGNING_KEY);

  private final PrintStream log;
  private final Clock clock;

  public Migration(PrintStream log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  public Outcome run(Plan plan) {
    Path dir = plan.from().toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("kino.db"))) {
      throw new ConfigException("no embedded Kino install in " + dir + " (it has no kino.db)");
    }
    try (DataDirLock lock = lockStopped(dir);
        SqliteDatabase source = SqliteDatabase.open(dir);
        PostgresDatabase target = openTarget(plan.database());
        FileCopy files = FileCopy.open(plan, dir, clock)) {
      recoverAbandoned(source);
      String id = sourceId(dir);
      Optional<Boolean> finished = importOf(target, id);
      if (finished.isEmpty()) {
        refuseNonEmpty(target, files, plan);
        begin(target, id, dir);
      } else {
        log.println(
            finished.get()
                ? "This install was moved already; checking the copy again."
                : "Resuming the move begun earlier (what it copied is kept).");
      }
      Map<String, Long> rows = new LinkedHashMap<>();
      List<String> keys = files.keys();
      if (!finished.orElse(false)) {
        copyTables(source, target, rows);
        copySigningKeys(dir, target);
        copyFiles(files, keys);
      }
      verify(source, target, files, keys, dir, rows);
      end(target, id);
      MovedMarker.write(dir, redacted(plan.database()), clock.instant());
      long bytes = files.bytes(keys);
      return new Outcome(rows, keys.size(), bytes, finished.isPresent(), finished.orElse(false));
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("the move stopped: " + e.getMessage(), e);
    }
  }

  private static DataDirLock lockStopped(Path dir) {
    try {
      return DataDirLock.acquire(dir);
    } catch (ConfigException running) {
      throw new ConfigException(
          "Kino is running on "
              + dir
              + ": stop it first (kino migrate copies a stopped install, so that no job changes"
              + " while it is copied)");
    }
  }

  private static PostgresDatabase openTarget(String url) {
    try {
      return PostgresDatabase.open(url, 2);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--to: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException(
          "cannot open the PostgreSQL database given with --to: " + e.getMessage());
    }
  }

  /** What a restart of the embedded node would do first: jobs it left running go back in line. */
  private void recoverAbandoned(Database source) {
    try (EventHub hub = new EventHub()) {
      int recovered = JobStore.on(source, hub).expired().recoverAbandoned(clock.instant());
      if (recovered > 0) {
        log.println(
            recovered
                + " job(s) were running when Kino stopped; they go back in the queue, as a restart"
                + " would put them");
      }
    }
  }

  /** The install's own id, made by the first run and kept in its directory. */
  private static String sourceId(Path dir) throws IOException {
    Path file = dir.resolve(ID_FILE);
    if (!Files.isRegularFile(file)) {
      Files.writeString(file, UUID.randomUUID() + "\n");
    }
    return Files.readString(file).strip();
  }

  /** Empty when the target has no move of this install; else whether that move finished. */
  private static Optional<Boolean> importOf(Database target, String id) {
    return target
        .reads()
        .withHandle(
            h ->
                h.createQuery("SELECT finished_at IS NOT NULL FROM imports WHERE source_id = :id")
                    .bind("id", id)
                    .mapTo(Boolean.class)
                    .findOne());
  }

  private static void refuseNonEmpty(Database target, FileCopy files, Plan plan)
      throws IOException {
    List<String> found = new ArrayList<>();
    target
        .reads()
        .useHandle(
            h -> {
              List<String> tables = new ArrayList<>();
              Table.ALL.forEach(t -> tables.add(t.name()));
              tables.add("shared_secrets");
              tables.add("imports");
              for (String table : tables) {
                long n = h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one();
                if (n > 0) {
                  found.add(table + ": " + n);
                }
              }
            });
    if (!found.isEmpty()) {
      throw new ConfigException(
          "the database given with --to is not empty ("
              + String.join(", ", found)
              + "); kino migrate moves an install into a new, empty database (a Kino node started"
              + " on it makes an admin key and signing keys): create a fresh one and run again");
    }
    if (files.bucketHoldsKinoFiles()) {
      throw new ConfigException(
          "the bucket given with --storage already holds Kino files ("
              + plan.storage().orElseThrow()
              + "); move into an empty bucket or prefix");
    }
  }

  private void begin(Database target, String id, Path dir) {
    target
        .writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO imports (source_id, source_path, started_at)"
                            + " VALUES (:id, :path, :now)")
                    .bind("id", id)
                    .bind("path", dir.toString())
                    .bind("now", clock.millis())
                    .execute());
  }

  private void end(Database target, String id) {
    target
        .writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE imports SET finished_at = :now"
                            + " WHERE source_id = :id AND finished_at IS NULL")
                    .bind("id", id)
                    .bind("now", clock.millis())
                    .execute());
  }

  private void copyTables(Database source, Database target, Map<String, Long> rows)
      throws SQLException {
    try (Handle from = source.reads().open();
        Handle to = target.writes().open()) {
      for (Table table : Table.ALL) {
        List<String> columns = TableCopy.columns(from, table);
        long total = TableCopy.count(from, table);
        long inserted =
            TableCopy.copy(
                from,
                to,
                table,
                columns,
                done -> {
                  if (total > 0 && done < total) {
                    log.printf("  %s: %d/%d%n", table.name(), done, total);
                  }
                });
        log.printf("  %s: %d row(s), %d copied now%n", table.name(), total, inserted);
      }
    }
  }

  /** The install's signing keys become the cluster's: the same links and webhook secrets verify. */
  private void copySigningKeys(Path dir, Database target) throws IOException {
    for (String name : SIGNING_KEYS) {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        continue; // never made; the cluster makes its own
      }
      String value = Base64.getEncoder().encodeToString(SecretFile.loadOrCreate(dir, name));
      String kept =
          target
              .writes()
              .withHandle(
                  h -> {
                    h.createUpdate(
                            "INSERT INTO shared_secrets (name, value) VALUES (:name, :value)"
                                + " ON CONFLICT (name) DO NOTHING")
                        .bind("name", name)
                        .bind("value", value)
                        .execute();
                    return h.createQuery("SELECT value FROM shared_secrets WHERE name = :name")
                        .bind("name", name)
                        .mapTo(String.class)
                        .one();
                  });
      if (!kept.equals(value)) {
        throw new ConfigException(
            "the database given with --to has its own "
                + name
                + " (a Kino node was started on it during the move); links and webhook secrets"
                + " issued before the move would stop working: start again with an empty database");
      }
    }
    log.println("  signing keys: copied");
  }

  private void copyFiles(FileCopy files, List<String> keys) throws IOException {
    if (!files.toBucket()) {
      log.println("  files: stay in the data directory (no --storage)");
      return;
    }
    int copied =
        files.copy(
            keys,
            (done, total) -> {
              if (done < total) {
                log.printf("  files: %d/%d%n", done, total);
              }
            });
    log.printf("  files: %d, %d copied now%n", keys.size(), copied);
  }

  private void verify(
      Database source,
      Database target,
      FileCopy files,
      List<String> keys,
      Path dir,
      Map<String, Long> rows)
      throws SQLException, IOException {
    List<String> wrong = new ArrayList<>();
    try (Handle from = source.reads().open();
        Handle to = target.reads().open()) {
      for (Table table : Table.ALL) {
        List<String> columns = TableCopy.columns(from, table);
        long here = TableCopy.count(from, table);
        long there = TableCopy.count(to, table);
        rows.put(table.name(), here);
        if (here != there) {
          wrong.add(
              table.name() + ": " + here + " row(s) in the install, " + there + " in the copy");
        } else if (!TableCopy.digest(from, table, columns)
            .equals(TableCopy.digest(to, table, columns))) {
          wrong.add(table.name() + ": rows differ from the install's");
        }
      }
    }
    if (files.toBucket()) {
      List<String> differ = files.mismatches(keys);
      if (!differ.isEmpty()) {
        wrong.add(
            differ.size()
                + " file(s) missing or different in the bucket, e.g. "
                + differ.getFirst());
      }
    }
    if (!wrong.isEmpty()) {
      throw new ConfigException(
          "the copy does not match the install in "
              + dir
              + ": "
              + String.join("; ", wrong)
              + ". The install is unchanged. Did a Kino node run on the target during the move?"
              + " Start again with an empty database and bucket.");
    }
    log.println("  checked: every table's rows and every file's SHA-256 match the install");
  }

  /** The URL without its password, for messages and the note left behind. */
  public static String redacted(String url) {
    return url.replaceAll("//([^:@/]+):[^@/]*@", "//$1@");
  }
}
