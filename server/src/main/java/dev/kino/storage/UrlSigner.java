package dev.kino.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs file URLs so they open without the Bearer header, like presigned URLs, until they expire. The HMAC key
 * is made once per data directory and kept in it, so URLs survive restarts.
 */
public final class UrlSigner {
  private final byte[] secret;

  private UrlSigner(byte[] secret) {
    this.secret = secret;
  }

  /** Loads the data directory's signing secret, creating it on first use. */
  public static UrlSigner forDataDir(Path dataDir) {
    Path file = dataDir.resolve("url-signing.key");
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.write(file, fresh);
        } catch (FileAlreadyExistsException raced) {
          // Another process made it first; use theirs.
        } catch (UnsupportedOperationException notPosix) {
          Files.write(file, fresh);
        }
      }
      byte[] secret = Files.readAllBytes(file);
      if (secret.length < 32) {
        throw new IllegalStateException(file + " is damaged (shorter than 32 bytes); delete it to make a new one");
      }
      return new UrlSigner(secret);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  /** The query string ({@code expires=...&signature=...}) that makes a URL for this key valid until then. */
  public String query(String key, Instant expires) {
    long seconds = expires.getEpochSecond();
    return "expires=" + seconds + "&signature=" + signature(key, seconds);
  }

  public boolean isValid(String key, String expires, String signature, Instant now) {
    if (expires == null || signature == null) {
      return false;
    }
    long seconds;
    try {
      seconds = Long.parseLong(expires);
    } catch (NumberFormatException e) {
      return false;
    }
    byte[] expected = signature(key, seconds).getBytes(StandardCharsets.US_ASCII);
    boolean authentic = MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    return authentic && now.getEpochSecond() <= seconds;
  }

  private String signature(String key, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest = mac.doFinal((key + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
