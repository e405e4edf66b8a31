package dev.kino.api;

import dev.kino.keys.KeySecrets;
import dev.kino.keys.KeyStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <key>} on every {@code /v1} route. The operator's {@code KINO_ADMIN_KEY}
 * is compared by hash in constant time; other keys are looked up by hash. A key is never logged.
 */
final class Authenticator {
  static final String ENV_ADMIN_OWNER = "admin-env";
  private static final String ATTRIBUTE = "kino.caller";
  private final KeyStore keys;
  private final Optional<byte[]> adminKeyHash;

  Authenticator(KeyStore keys, Optional<String> adminKey) {
    this.keys = keys;
    this.adminKeyHash = adminKey.map(k -> KeySecrets.hash(k).getBytes(StandardCharsets.US_ASCII));
  }

  void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized("missing Authorization header; send \"Authorization: Bearer <your API key>\"");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw ApiException.unauthorized("the Authorization header must be \"Bearer <your API key>\"");
    }
    String secret = header.substring(7).strip();
    byte[] hash = KeySecrets.hash(secret).getBytes(StandardCharsets.US_ASCII);
    if (adminKeyHash.isPresent() && MessageDigest.isEqual(adminKeyHash.get(), hash)) {
      ctx.attribute(ATTRIBUTE, new Caller(ENV_ADMIN_OWNER, true));
      return;
    }
    Caller caller =
        keys.authenticate(secret)
            .map(key -> new Caller(key.id(), key.admin()))
            .orElseThrow(() -> ApiException.unauthorized("the API key is not valid (unknown or revoked)"));
    ctx.attribute(ATTRIBUTE, caller);
  }

  static Caller caller(Context ctx) {
    Caller caller = ctx.attribute(ATTRIBUTE);
    if (caller == null) {
      throw new IllegalStateException("route reached without authentication");
    }
    return caller;
  }
}
