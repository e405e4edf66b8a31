package dev.kino.api;

import dev.kino.keys.ApiKey;
import dev.kino.keys.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keys found by their secret's hash, kept for {@link #FRESH} so that a client polling a status
 * route does not cost a database read per request. Short enough that a key revoked, expired or
 * changed on any node of a cluster stops (or changes) within a second everywhere; unknown secrets
 * are never kept, so guessing fills nothing.
 */
final class KeyCache {
  static final Duration FRESH = Duration.ofMillis(500);
  private static final int MOST = 10_000;

  private record Entry(ApiKey key, long readAt) {}

  private final KeyStore keys;
  private final LongSupplier nanos;
  private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

  KeyCache(KeyStore keys, LongSupplier nanos) {
    this.keys = keys;
    this.nanos = nanos;
  }

  /** The key whose secret hashes to {@code hash}, if any (revoked or expired ones too). */
  Optional<ApiKey> find(String hash) {
    long now = nanos.getAsLong();
    Entry cached = byHash.get(hash);
    if (cached != null && now - cached.readAt() < FRESH.toNanos()) {
      return Optional.of(cached.key());
    }
    Optional<ApiKey> read = keys.byHash(hash);
    if (read.isPresent()) {
      if (byHash.size() >= MOST) {
        byHash.clear(); // rare: more live keys than this in half a second
      }
      byHash.put(hash, new Entry(read.get(), now));
    } else {
      byHash.remove(hash);
    }
    return read;
  }

  /** Forgets a key this node changed, so the change holds here at once. */
  void forget(String keyId) {
    byHash.values().removeIf(e -> e.key().id().equals(keyId));
  }
}
