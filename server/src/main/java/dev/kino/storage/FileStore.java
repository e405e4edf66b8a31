package dev.kino.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where job outputs live, addressed by keys such as {@code jobs/<id>/1/video.mp4}. The local directory is the
 * embedded default; an object store can follow behind the same interface.
 */
public interface FileStore {

  /** Stores the file under the key (moving it when it can), replacing what was there. */
  void put(String key, Path source) throws IOException;

  /** Removes the file under the key, if there is one. */
  void delete(String key) throws IOException;

  /** The stored file, if the key exists. */
  Optional<StoredFile> find(String key);

  /** A key is a relative path of safe characters; anything else is refused before it reaches a file system. */
  static boolean isValidKey(String key) {
    return key != null
        && !key.isEmpty()
        && key.length() <= 512
        && key.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
        && !key.contains("..");
  }
}
