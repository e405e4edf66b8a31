package dev.kino.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs file URLs so they open without the Bearer header, like presigned URLs, until they expire.
 * The HMAC key is made once per data directory and kept in it, so URLs survive restarts.
 */
public final class UrlSigner {
  private final byte[] secret;

  public UrlSigner(byte[] secret) {
    this.secret = secret;
  }

  /** Loads the data directory's signing secret, creating it on first use. */
  public static UrlSigner forDataDir(Path dataDir) {
    return new UrlSigner(SecretFile.loadOrCreate(dataDir, SecretFile.URL_SIGNING_KEY));
  }

  /**
   * A token ({@code <expires>.<signature>}) that proves this server granted access to {@code key}
   * until then; for URLs that carry one opaque parameter, such as an events stream opened by a
   * browser.
   */
  public String token(String key, Instant expires) {
    long seconds = expires.getEpochSecond();
    return seconds + "." + signature(key, seconds);
  }

  public boolean isValidToken(String key, String token, Instant now) {
    int dot = token == null ? -1 : token.indexOf('.');
    return dot > 0 && isValid(key, token.substring(0, dot), token.substring(dot + 1), now);
  }

  /**
   * The query string ({@code expires=...&signature=...}) that makes a URL for this key valid until
   * then.
   */
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
    boolean authentic =
        MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
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
