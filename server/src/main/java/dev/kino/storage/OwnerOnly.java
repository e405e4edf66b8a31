package dev.kino.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Kino's data is its own: the data directory is readable by its owner only (0700) and so is every
 * file Kino stores in it (0600), whatever the umask. A file system without POSIX permissions is
 * left as it is.
 */
public final class OwnerOnly {
  private OwnerOnly() {}

  /** Creates the directory if needed and makes it the owner's alone. */
  public static Path directory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    return dir;
  }

  /** Makes an existing file the owner's alone. */
  public static void file(Path file) throws IOException {
    if (Files.exists(file)
        && Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
