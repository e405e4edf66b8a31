package dev.kino.storage;

import dev.kino.media.FileType;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Files under {@code <data-dir>/files}. A stored file appears whole or not at all (write, then
 * rename).
 */
public final class LocalFileStore implements FileStore {
  private final Path root;

  public LocalFileStore(Path dataDir) {
    this.root = dataDir.resolve("files").toAbsolutePath().normalize();
  }

  /**
   * A rename when the source is on the same file system (the work and temporary directories are
   * inside the data directory), so a large video is not copied; otherwise a copy beside the target,
   * renamed into place. Either way the target appears whole or not at all.
   */
  @Override
  public void put(String key, Path source) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    OwnerOnly.file(source); // before it is visible under its key
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    } catch (AtomicMoveNotSupportedException otherFileSystem) {
      // copied below
    }
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
    OwnerOnly.file(partial);
    try {
      Files.move(
          partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Path file = resolve(key);
    Files.deleteIfExists(file);
    // The folders the file had to itself (an upload's, a job attempt's, the job's) go with it; the
    // top-level folder (jobs, uploads) and any folder still holding something stay.
    for (Path dir = file.getParent();
        dir != null && !dir.equals(root) && !dir.getParent().equals(root);
        dir = dir.getParent()) {
      try {
        Files.deleteIfExists(dir);
      } catch (java.nio.file.DirectoryNotEmptyException stillUsed) {
        break;
      }
    }
  }

  @Override
  public Optional<StoredFile> find(String key) {
    if (!FileStore.isValidKey(key)) {
      return Optional.empty();
    }
    Path file = resolve(key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new StoredFile(file, Files.size(file), FileType.contentTypeOf(key)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<String> keys(String prefix) throws IOException {
    return keysUnder(resolve(prefix));
  }

  /** Every stored key (what a move to another store copies). */
  public List<String> allKeys() throws IOException {
    return keysUnder(root);
  }

  private List<String> keysUnder(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".partial"))
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  private Path resolve(String key) {
    if (!FileStore.isValidKey(key)) {
      throw new IllegalArgumentException("not a storage key: " + key);
    }
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("storage key escapes the store: " + key);
    }
    return file;
  }
}
