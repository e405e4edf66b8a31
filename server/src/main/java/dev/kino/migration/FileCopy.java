package dev.kino.migration;

import dev.kino.config.ConfigException;
import dev.kino.storage.FileStore;
import dev.kino.storage.LocalFileStore;
import dev.kino.storage.S3FileStore;
import dev.kino.storage.StoredFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Copies the data directory's stored files (outputs, uploads) into the cluster's bucket under the
 * same keys, and checks each copy's SHA-256 against the original. A key already in the bucket is
 * skipped: a bucket write is whole or absent, so what an interrupted run left there is complete.
 * Without a bucket ({@code --storage} not given) the files stay in the data directory and this
 * copies nothing.
 */
final class FileCopy implements AutoCloseable {
  private static final int REPORT_EVERY = 25;

  private final LocalFileStore source;
  private final Optional<FileStore> target;
  private final Path readBack;

  private FileCopy(LocalFileStore source, Optional<FileStore> target, Path readBack) {
    this.source = source;
    this.target = target;
    this.readBack = readBack;
  }

  static FileCopy open(Migration.Plan plan, Path dataDir, Clock clock) {
    Path readBack = dataDir.resolve("cache").resolve("migration-check");
    Optional<FileStore> target =
        plan.storage()
            .map(
                location -> {
                  try {
                    return S3FileStore.open(location, plan.credentials(), readBack, clock);
                  } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new ConfigException("--storage: " + e.getMessage());
                  }
                });
    return new FileCopy(new LocalFileStore(dataDir), target, readBack);
  }

  boolean toBucket() {
    return target.isPresent();
  }

  /** The keys to move: all the install's files when there is a bucket, else none. */
  List<String> keys() throws IOException {
    return target.isPresent() ? source.allKeys() : List.of();
  }

  boolean bucketHoldsKinoFiles() throws IOException {
    if (target.isEmpty()) {
      return false;
    }
    return !target.get().keys("jobs").isEmpty() || !target.get().keys("uploads").isEmpty();
  }

  /** Copies what the bucket lacks; {@code progress} hears (done, total) now and then. */
  int copy(List<String> keys, BiConsumer<Integer, Integer> progress) throws IOException {
    int copied = 0;
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (!target.orElseThrow().exists(key)) {
        target.get().put(key, original(key));
        copied++;
      }
      if ((i + 1) % REPORT_EVERY == 0) {
        progress.accept(i + 1, keys.size());
      }
    }
    return copied;
  }

  /**
   * The keys whose copy is missing or differs from the original, each read back from the bucket
   * (the local copy a read makes is removed at once: a large install is checked a file at a time).
   */
  List<String> mismatches(List<String> keys) throws IOException {
    List<String> wrong = new ArrayList<>();
    for (String key : keys) {
      Optional<StoredFile> copy = target.orElseThrow().find(key);
      if (copy.isEmpty() || !sha256(copy.get().path()).equals(sha256(original(key)))) {
        wrong.add(key);
      }
      if (copy.isPresent()) {
        Files.deleteIfExists(copy.get().path());
      }
    }
    return wrong;
  }

  long bytes(List<String> keys) throws IOException {
    long total = 0;
    for (String key : keys) {
      total += Files.size(original(key));
    }
    return total;
  }

  private Path original(String key) {
    return source.find(key).orElseThrow(() -> new IllegalStateException(key + " vanished")).path();
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest sha = TableCopy.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public void close() {
    target.ifPresent(
        store -> {
          if (store instanceof AutoCloseable closeable) {
            try {
              closeable.close();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
    if (Files.isDirectory(readBack)) {
      try (Stream<Path> paths = Files.walk(readBack)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
