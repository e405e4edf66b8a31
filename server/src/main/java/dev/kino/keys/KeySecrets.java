package dev.kino.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Makes and hashes key secrets. Keys carry 190 bits of randomness, so a plain SHA-256 is the right
 * hash: slow password hashes exist for guessable secrets, and would add milliseconds to every
 * request.
 */
public final class KeySecrets {
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String PREFIX = "kino_";

  private KeySecrets() {}

  static String newSecret() {
    StringBuilder key = new StringBuilder(PREFIX);
    for (int i = 0; i < 32; i++) {
      key.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return key.toString();
  }

  static String newId() {
    StringBuilder id = new StringBuilder("key_");
    for (int i = 0; i < 12; i++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(36)));
    }
    return id.toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** Hex SHA-256 of the key. */
  public static String hash(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
