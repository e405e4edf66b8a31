package dev.kino.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.Credentials;
import dev.kino.testing.Api;
import dev.kino.testing.MutableClock;
import dev.kino.testing.S3Server;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bucket store against a real S3-compatible server ({@link S3Server}): whole files, parts,
 * presigned URLs.
 */
class S3FileStoreTest {

  @Test
  void a_file_larger_than_a_part_goes_up_in_parts_and_comes_back_whole() throws Exception {
    S3Server s3 = S3Server.shared();
    URI bucket = s3.newBucket();
    Path work = Files.createTempDirectory("kino-s3-store-");
    Path big = work.resolve("big.mp4");
    Random random = new Random(7);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(big)) {
      for (int i = 0; i < 40; i++) { // 40 MB: three parts of at most 16 MB
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    String sha = sha256(big);

    MutableClock clock = new MutableClock();
    try (S3FileStore store =
        S3FileStore.open(bucket, Credentials.of(s3.environment()), work.resolve("cache"), clock)) {
      store.put("jobs/x/1/video.mp4", big);

      assertThat(store.keys("jobs/x")).containsExactly("jobs/x/1/video.mp4");
      assertThat(store.keys("jobs/y")).isEmpty();
      StoredFile found = store.find("jobs/x/1/video.mp4").orElseThrow();
      assertThat(found.size()).isEqualTo(40L << 20);
      assertThat(found.contentType()).isEqualTo("video/mp4");
      assertThat(sha256(found.path())).isEqualTo(sha);
      String presigned =
          store.directUrl("jobs/x/1/video.mp4", Duration.ofMinutes(1)).orElseThrow().toString();
      assertThat(sha256(Api.downloadToFile(presigned)))
          .as("a presigned GET serves the same bytes")
          .isEqualTo(sha);

      assertThat(store.sweepCache(Duration.ofHours(1), Long.MAX_VALUE))
          .as("a copy just used stays")
          .isZero();
      clock.advance(Duration.ofHours(2));
      assertThat(store.sweepCache(Duration.ofHours(1), Long.MAX_VALUE))
          .as("unused copies go; the bucket keeps the file")
          .isEqualTo(1);
      assertThat(store.exists("jobs/x/1/video.mp4")).isTrue();
      assertThat(sha256(store.find("jobs/x/1/video.mp4").orElseThrow().path()))
          .as("downloaded again")
          .isEqualTo(sha);

      store.delete("jobs/x/1/video.mp4");
      assertThat(store.find("jobs/x/1/video.mp4")).isEmpty();
      assertThat(store.find("jobs/never/stored.mp4")).isEmpty();
      assertThat(store.exists("jobs/x/1/video.mp4")).isFalse();
    }
  }

  @Test
  void beyond_its_cap_the_cache_gives_up_the_least_recently_used_copies_first() throws Exception {
    S3Server s3 = S3Server.shared();
    URI bucket = s3.newBucket();
    Path work = Files.createTempDirectory("kino-s3-cache-");
    Path file = work.resolve("input.png");
    Files.write(file, new byte[1 << 20]);
    MutableClock clock = new MutableClock();
    try (S3FileStore store =
        S3FileStore.open(bucket, Credentials.of(s3.environment()), work.resolve("cache"), clock)) {
      for (String name : new String[] {"a", "b", "c"}) {
        store.put("uploads/" + name + ".png", file);
      }
      Path a = store.find("uploads/a.png").orElseThrow().path();
      clock.advance(Duration.ofMinutes(2));
      Path b = store.find("uploads/b.png").orElseThrow().path();
      clock.advance(Duration.ofMinutes(2));
      Path c = store.find("uploads/c.png").orElseThrow().path();
      clock.advance(Duration.ofMinutes(2));
      store.find("uploads/a.png"); // used again: now the most recent but one

      long cap = (5L << 20) / 2; // room for two and a half copies
      assertThat(store.sweepCache(Duration.ofHours(1), cap)).isEqualTo(1);

      assertThat(b).as("the least recently used goes").doesNotExist();
      assertThat(a).exists();
      assertThat(c).exists();
      assertThat(store.sweepCache(Duration.ofHours(1), 0))
          .as("a copy used in the last minute stays whatever the cap")
          .isEqualTo(1);
      assertThat(a).exists();
      assertThat(c).doesNotExist();
      assertThat(store.find("uploads/b.png").orElseThrow().path())
          .as("downloaded again when needed")
          .exists();
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
