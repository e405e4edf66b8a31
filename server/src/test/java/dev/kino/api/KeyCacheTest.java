package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.database.Database;
import dev.kino.database.SqliteDatabase;
import dev.kino.keys.CreatedKey;
import dev.kino.keys.KeySecrets;
import dev.kino.keys.KeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A key read from the database is served from memory for less than half a second, so a revocation
 * made on any node holds everywhere within a second; a key changed on this node holds here at once.
 */
class KeyCacheTest {
  private final AtomicLong nanos = new AtomicLong();
  private final Database db;
  private final KeyStore keys;
  private final KeyCache cache;
  private final CreatedKey key;
  private final String hash;

  KeyCacheTest() throws IOException {
    db = SqliteDatabase.open(Files.createTempDirectory("kino-key-cache-"));
    keys = new KeyStore(db);
    cache = new KeyCache(keys, nanos::get);
    key = keys.create("k", false, Instant.now());
    hash = KeySecrets.hash(key.plaintext());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void a_revoked_key_is_seen_revoked_once_its_cached_copy_is_half_a_second_old() {
    assertThat(cache.find(hash).orElseThrow().revokedAt()).isEmpty();

    keys.revoke(key.key().id(), Instant.now()); // as another node would
    nanos.set(KeyCache.FRESH.toNanos() - 1);
    assertThat(cache.find(hash).orElseThrow().revokedAt()).as("still the cached copy").isEmpty();
    nanos.set(KeyCache.FRESH.toNanos());
    assertThat(cache.find(hash).orElseThrow().revokedAt()).as("read again").isPresent();
  }

  @Test
  void a_key_this_node_changed_is_read_again_at_once() {
    cache.find(hash);

    keys.revoke(key.key().id(), Instant.now());
    cache.forget(key.key().id());

    assertThat(cache.find(hash).orElseThrow().revokedAt()).isPresent();
  }
}
