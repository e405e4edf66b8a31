package dev.kino.api;

import dev.kino.keys.ApiKey;
import dev.kino.keys.KeyLimits;
import dev.kino.keys.KeySecrets;
import dev.kino.keys.KeyStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@code Authorization: Bearer <key>} on every {@code /v1} route. The operator's {@code
 * KINO_ADMIN_KEY} is compared by hash in constant time; other keys are looked up by hash, through a
 * {@link KeyCache} of half a second. A key is never logged. The one exception to the header is an
 * events stream opened with its signed {@code ?token=} ({@link EventTokens}).
 */
final class Authenticator {
  static final String ENV_ADMIN_OWNER = "admin-env";
  private static final String ATTRIBUTE = "kino.caller";

  /** The one route a query token opens (an events stream, for EventSource). */
  private static final Pattern EVENTS_PATH = Pattern.compile("/v1/requests/([^/]+)/events");

  private final KeyStore keys;
  private final KeyCache cache;
  private final Optional<byte[]> adminKeyHash;
  private final EventTokens tokens;
  private final KeyLimits userDefaults;
  private final Clock clock;
  private final Runnable keysChanged;

  /** {@code keysChanged}: told when this node changed a key, for what it keeps by key. */
  Authenticator(
      KeyStore keys,
      Optional<String> adminKey,
      EventTokens tokens,
      KeyLimits userDefaults,
      Clock clock,
      Runnable keysChanged) {
    this.keys = keys;
    this.cache = new KeyCache(keys, System::nanoTime);
    this.adminKeyHash = adminKey.map(k -> KeySecrets.hash(k).getBytes(StandardCharsets.US_ASCII));
    this.tokens = tokens;
    this.userDefaults = userDefaults;
    this.clock = clock;
    this.keysChanged = keysChanged;
  }

  void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token = ctx.queryParam("token");
    if ((header == null || header.isBlank()) && token != null) {
      ctx.attribute(ATTRIBUTE, tokenOwner(ctx.path(), token));
      return;
    }
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized(
          "missing Authorization header; send \"Authorization: Bearer <your API key>\"");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw ApiException.unauthorized("the Authorization header must be \"Bearer <your API key>\"");
    }
    String hash = KeySecrets.hash(header.substring(7).strip());
    if (adminKeyHash.isPresent()
        && MessageDigest.isEqual(adminKeyHash.get(), hash.getBytes(StandardCharsets.US_ASCII))) {
      ctx.attribute(ATTRIBUTE, Caller.operator(ENV_ADMIN_OWNER));
      return;
    }
    ApiKey key =
        cache
            .find(hash)
            .orElseThrow(() -> ApiException.unauthorized("the API key is not valid (unknown)"));
    if (key.revokedAt().isPresent()) {
      throw ApiException.unauthorized("the API key has been revoked");
    }
    if (!key.activeAt(clock.instant())) {
      throw ApiException.unauthorized("the API key expired at " + key.expiresAt().orElseThrow());
    }
    ctx.attribute(ATTRIBUTE, callerOf(key));
  }

  /** What holds for a key: its own limits, and for a user key the server's defaults beside them. */
  private Caller callerOf(ApiKey key) {
    KeyLimits limits = key.admin() ? key.limits() : key.limits().or(userDefaults);
    return new Caller(key.id(), key.admin(), limits, key.models());
  }

  /**
   * A key this node changed (revoked, new limits) holds at once here, elsewhere within a second.
   */
  void changed(String keyId) {
    cache.forget(keyId);
    keysChanged.run();
  }

  private Caller tokenOwner(String path, String token) {
    Matcher events = EVENTS_PATH.matcher(path);
    if (!events.matches()) {
      throw ApiException.unauthorized(
          "a token opens only the events stream it was issued for; send \"Authorization: Bearer <your API key>\"");
    }
    String owner =
        tokens
            .verify(events.group(1), token, clock.instant())
            .orElseThrow(
                () ->
                    ApiException.unauthorized(
                        "the token is not valid for this events stream, or it expired; get a fresh events_url from the status route"));
    // A token speaks for its key only while the key does: revoking a key ends its tokens too.
    if (owner.equals(ENV_ADMIN_OWNER)) {
      if (adminKeyHash.isEmpty()) {
        throw ApiException.unauthorized("the API key this token was issued for has been revoked");
      }
      return Caller.operator(owner);
    }
    return keys.find(owner)
        .filter(k -> k.activeAt(clock.instant()))
        .map(this::callerOf)
        .orElseThrow(
            () ->
                ApiException.unauthorized(
                    "the API key this token was issued for has been revoked or has expired"));
  }

  static Caller caller(Context ctx) {
    Caller caller = ctx.attribute(ATTRIBUTE);
    if (caller == null) {
      throw new IllegalStateException("route reached without authentication");
    }
    return caller;
  }
}
