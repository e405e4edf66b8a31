package dev.kino.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where job outputs and uploads live, addressed by keys such as {@code jobs/<id>/1/video.mp4}: the
 * local directory (the embedded default) or an S3 bucket (a cluster's nodes share it).
 */
public interface FileStore {
  /** Stores the file under the key (moving it when it can), replacing what was there. */
  void put(String key, Path source) throws IOException;

  /** Removes the file under the key, if there is one. */
  void delete(String key) throws IOException;

  /**
   * Every stored key under the folder {@code prefix} ({@code jobs/<id>}), at any depth; empty when
   * there is none.
   */
  List<String> keys(String prefix) throws IOException;

  /**
   * The stored file, if the key exists (on this node's disk: an object store copies it into a
   * cache).
   */
  Optional<StoredFile> find(String key);

  /** Whether the key exists, without reading the file. */
  default boolean exists(String key) {
    return find(key).isPresent();
  }

  /**
   * Optional: a URL that fetches the file straight from the store until {@code ttl} passes (S3's
   * presigned GET).
   */
  default Optional<URI> directUrl(String key, Duration ttl) {
    return Optional.empty();
  }

  /**
   * A key is a relative path of safe characters; anything else is refused before it reaches a file
   * system.
   */
  static boolean isValidKey(String key) {
    return key != null
        && !key.isEmpty()
        && key.length() <= 512
        && key.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
        && !key.contains("..");
  }
}
