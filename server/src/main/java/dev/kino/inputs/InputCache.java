package dev.kino.inputs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Recently fetched inputs, so a retried job or a URL referenced twice is not downloaded twice.
 * Entries are keyed by URL and stored by content hash (two URLs with the same bytes share one
 * file). Within {@code freshFor} an entry is used as is; after that it is revalidated with its ETag
 * / Last-Modified when the server gave them (a 304 keeps it), else fetched again. Least recently
 * used entries go when the cache outgrows {@code maxBytes}. The index lives in memory and the
 * directory is emptied at start: a cache, not a store.
 */
final class InputCache {
  record Entry(
      String sha256, Path file, long bytes, UrlFetcher.Validators validators, Instant fetchedAt) {}

  private final Path dir;
  private final Duration freshFor;
  private final long maxBytes;
  private final Clock clock;
  private final LinkedHashMap<String, Entry> byUrl = new LinkedHashMap<>(16, 0.75f, true);
  private long totalBytes;

  InputCache(Path dir, Duration freshFor, long maxBytes, Clock clock) {
    this.dir = dir;
    this.freshFor = freshFor;
    this.maxBytes = maxBytes;
    this.clock = clock;
    try {
      Files.createDirectories(dir);
      try (var old = Files.list(dir)) {
        old.forEach(UrlFetcher::deleteQuietly);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot prepare the input cache at " + dir + ": " + e.getMessage(), e);
    }
  }

  synchronized Optional<Entry> find(String url) {
    return Optional.ofNullable(byUrl.get(url));
  }

  boolean isFresh(Entry entry) {
    return entry.fetchedAt().plus(freshFor).isAfter(clock.instant());
  }

  /** Takes the downloaded file into the cache under the URL and returns the entry. */
  synchronized Entry put(String url, Path downloaded, UrlFetcher.Validators validators)
      throws IOException {
    String sha256 = sha256(downloaded);
    Path file = dir.resolve(sha256);
    long bytes = Files.size(downloaded);
    if (Files.exists(file)) {
      Files.delete(downloaded);
    } else {
      Files.move(downloaded, file, StandardCopyOption.REPLACE_EXISTING);
      totalBytes += bytes;
    }
    Entry replaced = byUrl.put(url, new Entry(sha256, file, bytes, validators, clock.instant()));
    if (replaced != null) {
      releaseIfUnused(replaced);
    }
    evict();
    return byUrl.get(url);
  }

  /** The server said the entry is still current: it is fresh again. */
  synchronized Entry revalidated(String url, Entry entry) {
    Entry renewed =
        new Entry(entry.sha256(), entry.file(), entry.bytes(), entry.validators(), clock.instant());
    byUrl.put(url, renewed);
    return renewed;
  }

  synchronized long totalBytes() {
    return totalBytes;
  }

  private void evict() {
    var oldest = byUrl.entrySet().iterator();
    while (totalBytes > maxBytes && byUrl.size() > 1 && oldest.hasNext()) {
      Map.Entry<String, Entry> victim = oldest.next();
      oldest.remove();
      releaseIfUnused(victim.getValue());
    }
  }

  private void releaseIfUnused(Entry entry) {
    boolean shared = byUrl.values().stream().anyMatch(e -> e.sha256().equals(entry.sha256()));
    if (!shared && Files.exists(entry.file())) {
      UrlFetcher.deleteQuietly(entry.file());
      totalBytes -= entry.bytes();
    }
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
