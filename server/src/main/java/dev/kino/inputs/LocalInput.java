package dev.kino.inputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An input file on local disk, however it arrived (downloaded, cached, uploaded, inline), as the
 * caller's own copy: closing it deletes it. Shared files (the fetch cache, stored uploads) are
 * handed out as hard links, so the cache may evict while a render still reads, and nothing a render
 * does touches the shared copy.
 */
public final class LocalInput implements AutoCloseable {
  private final Path path;

  private LocalInput(Path path) {
    this.path = path;
  }

  /** Takes ownership of a temporary file. */
  static LocalInput own(Path temporary) {
    return new LocalInput(temporary);
  }

  /** A private copy of a shared file: a hard link when the file system allows, else a copy. */
  static LocalInput copyOf(Path shared) throws IOException {
    Path link = Files.createTempFile("kino-input-", ".bin");
    Files.delete(link);
    try {
      Files.createLink(link, shared);
    } catch (IOException | UnsupportedOperationException differentFileSystem) {
      Files.copy(shared, link, StandardCopyOption.REPLACE_EXISTING);
    }
    return new LocalInput(link);
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    UrlFetcher.deleteQuietly(path);
  }
}
