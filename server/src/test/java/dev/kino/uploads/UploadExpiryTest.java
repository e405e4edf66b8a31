package dev.kino.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.database.SqliteDatabase;
import dev.kino.storage.LocalFileStore;
import dev.kino.testing.Images;
import dev.kino.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads live for the configured time; the sweep then removes the record and the bytes. */
class UploadExpiryTest {
  @Test
  void an_upload_expires_after_its_ttl_and_the_sweep_removes_its_bytes(@TempDir Path dataDir)
      throws Exception {
    MutableClock clock = new MutableClock();
    try (SqliteDatabase db = SqliteDatabase.open(dataDir)) {
      Uploads uploads = new Uploads(db, new LocalFileStore(dataDir), clock, Duration.ofHours(2));
      Upload upload =
          uploads.accept(
              "alice",
              "a.png",
              new ByteArrayInputStream(Images.encode(Images.quadrants(32, 32), "png")));
      String url = "https://kino.example/v1/files/" + upload.id() + "/content";
      Path bytes = uploads.find(url).orElseThrow().path();

      clock.advance(Duration.ofMinutes(119));
      assertThat(uploads.sweepExpired()).isZero();
      assertThat(uploads.find(upload.id(), "alice")).isPresent();

      clock.advance(Duration.ofMinutes(2));
      assertThat(uploads.find(upload.id(), "alice"))
          .as("expired uploads are invisible before the sweep")
          .isEmpty();
      assertThat(uploads.find(url)).isEmpty();
      assertThat(uploads.sweepExpired()).isEqualTo(1);
      assertThat(Files.exists(bytes)).isFalse();
    }
  }
}
