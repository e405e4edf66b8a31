package dev.kino.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.testing.Api;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.TestServer;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A data directory whose database was lost or damaged: Kino refuses to start on it with one line
 * and exit code 2 (never a fresh install over an earlier run's data, never a server logging
 * SQLITE_CORRUPT forever), and damage found while it runs makes its health check fail.
 */
class DamagedDatabaseTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String CLIP = "{\"prompt\": \"p\", \"duration\": 3}";

  @Test
  void an_empty_database_beside_an_earlier_runs_data_is_refused_not_migrated_afresh()
      throws Exception {
    Path dataDir = usedDataDirWithJobs();
    Files.write(dataDir.resolve("kino.db"), new byte[0]);
    Files.deleteIfExists(dataDir.resolve("kino.db-wal"));
    Files.deleteIfExists(dataDir.resolve("kino.db-shm"));

    KinoProcess.Result refused = serve(dataDir);

    assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr().strip().lines()).hasSize(1);
    assertThat(refused.stderr()).contains("kino.db is empty").contains("Restore kino.db");
    assertThat(Files.size(dataDir.resolve("kino.db"))).as("left as it was found").isZero();
  }

  @Test
  void a_database_with_garbage_in_the_middle_is_refused_at_start() throws Exception {
    Path dataDir = usedDataDirWithJobs();
    overwriteSecondHalf(dataDir.resolve("kino.db"));

    KinoProcess.Result refused = serve(dataDir);

    assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr().strip().lines()).hasSize(1);
    assertThat(refused.stderr()).contains("is damaged").contains("restore it from a backup");
  }

  @Test
  void damage_found_while_running_makes_the_health_check_fail() throws Exception {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      for (int i = 0; i < 20; i++) {
        api.submitOk(STD, CLIP);
      }
      checkpoint(server.dataDir().resolve("kino.db"));
      overwriteSecondHalf(server.dataDir().resolve("kino.db"));

      Api anonymous = new Api(api.base(), null);

      // The check reads the whole file on a thread of its own; the health answer gives its verdict.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Api.Answer health = anonymous.get("/healthz");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.body().path("reason").asString()).isEqualTo("database_damaged");
              });
    }
  }

  /** A data directory as a server leaves it: jobs, stored files, signing keys. */
  private static Path usedDataDirWithJobs() {
    Path dataDir;
    try (TestServer server = TestServer.start(1)) {
      dataDir = server.dataDir();
      Api api = server.api();
      api.awaitState(api.submitOk(STD, CLIP), java.time.Duration.ofSeconds(60), "completed");
      for (int i = 0; i < 20; i++) {
        api.submitOk(STD, CLIP);
      }
    }
    assertThat(dataDir.resolve("files")).isDirectory();
    return dataDir;
  }

  private static KinoProcess.Result serve(Path dataDir) {
    return KinoProcess.run("serve", "--data-dir", dataDir.toString(), "--port", "0");
  }

  /** Moves what the write-ahead log holds into the database file, as SQLite does by itself. */
  private static void checkpoint(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }

  private static void overwriteSecondHalf(Path file) throws Exception {
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      long half = raw.length() / 2;
      byte[] garbage = new byte[(int) (raw.length() - half)];
      Arrays.fill(garbage, (byte) 0x5a);
      raw.seek(half);
      raw.write(garbage);
    }
  }
}
