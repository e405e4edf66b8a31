package dev.kino.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A node secret kept in the data directory (owner-only permissions), made on first use, so what it
 * signs survives restarts.
 */
public final class SecretFile {
  /** Signs file links and event-stream tokens. */
  public static final String URL_SIGNING_KEY = "url-signing.key";

  /** The root of every API key's webhook secret. */
  public static final String WEBHOOK_SIGNING_KEY = "webhook-signing.key";

  private SecretFile() {}

  /** The 32+ random bytes in {@code dataDir/name}, creating the file on first use. */
  public static byte[] loadOrCreate(Path dataDir, String name) {
    Path file = dataDir.resolve(name);
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.write(file, fresh);
        } catch (FileAlreadyExistsException raced) {
          // Another process made it first; use theirs.
        } catch (UnsupportedOperationException notPosix) {
          Files.write(file, fresh);
        }
      }
      byte[] secret = Files.readAllBytes(file);
      if (secret.length < 32) {
        throw new IllegalStateException(
            file + " is damaged (shorter than 32 bytes); delete it to make a new one");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
